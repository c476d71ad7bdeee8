import { suppressionReasons } from "@mailroute/core";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Addresses no provider may be sent to, shared by every provider. */
export const suppressions = sqliteTable(
  "suppressions",
  {
    email: text("email").primaryKey(),
    reason: text("reason", { enum: suppressionReasons }).notNull(),
    provider: text("provider"),
    eventId: text("event_id"),
    messageId: text("message_id"),
    note: text("note"),
    createdAt: integer("created_at").notNull(),
  },
  (table) => [index("suppressions_created_idx").on(table.createdAt, table.email)],
);
