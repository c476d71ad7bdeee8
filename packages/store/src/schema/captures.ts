import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Messages the capture provider kept instead of sending, once per message and provider. */
export const captures = sqliteTable(
  "captures",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id").notNull(),
    provider: text("provider").notNull(),
    payload: text("payload").notNull(),
    /** How many send requests arrived for this message (more than one after a crash mid-call). */
    requests: integer("requests").notNull().default(1),
    capturedAt: integer("captured_at").notNull(),
  },
  (table) => [uniqueIndex("captures_message_idx").on(table.messageId, table.provider)],
);
