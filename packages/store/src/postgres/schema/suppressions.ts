import { suppressionReasons } from "@mailroute/core";
import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";

/** Addresses no provider may be sent to, shared by every provider. */
export const suppressions = pgTable(
  "suppressions",
  {
    email: text("email").primaryKey(),
    reason: text("reason", { enum: suppressionReasons }).notNull(),
    provider: text("provider"),
    eventId: text("event_id"),
    messageId: text("message_id"),
    note: text("note"),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (table) => [index("suppressions_created_idx").on(table.createdAt, table.email)],
);
