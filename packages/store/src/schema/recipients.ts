import { recipientStatuses } from "@mailroute/core";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The recipients of a message (to, cc and bcc), each with its own status. */
export const recipients = sqliteTable(
  "recipients",
  {
    messageId: text("message_id").notNull(),
    email: text("email").notNull(),
    kind: text("kind", { enum: ["to", "cc", "bcc"] }).notNull(),
    status: text("status", { enum: recipientStatuses }).notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.messageId, table.email] }),
    index("recipients_email_idx").on(table.email, table.messageId),
  ],
);
