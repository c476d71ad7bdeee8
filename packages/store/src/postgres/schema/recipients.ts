import { recipientStatuses } from "@mailroute/core";
import { bigint, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/** The recipients of a message (to, cc and bcc), each with its own status. */
export const recipients = pgTable(
  "recipients",
  {
    messageId: text("message_id").notNull(),
    email: text("email").notNull(),
    kind: text("kind", { enum: ["to", "cc", "bcc"] }).notNull(),
    status: text("status", { enum: recipientStatuses }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
    /**
     * The recipient's place in the message (to, cc, bcc as written), from 0. PostgreSQL only: SQLite
     * reads recipients in insertion order (`rowid`), which PostgreSQL does not keep.
     */
    position: integer("position").notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.messageId, table.email] }),
    index("recipients_email_idx").on(table.email, table.messageId),
  ],
);
