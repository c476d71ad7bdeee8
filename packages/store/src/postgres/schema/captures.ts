import { bigint, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Messages the capture provider kept instead of sending, once per message and provider.
 * `payload` is the last column: SQLite reads a column stored after a large value only by walking
 * that value's overflow pages, and a list reads every column but this one.
 */
export const captures = pgTable(
  "captures",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id").notNull(),
    provider: text("provider").notNull(),
    /** How many send requests arrived for this message (more than one after a crash mid-call). */
    requests: integer("requests").notNull().default(1),
    capturedAt: bigint("captured_at", { mode: "number" }).notNull(),
    /** What a list shows of the message (addresses, subject, attachment names and sizes) as JSON. */
    summary: text("summary").notNull(),
    payload: text("payload").notNull(),
  },
  (table) => [
    uniqueIndex("captures_message_idx").on(table.messageId, table.provider),
    index("captures_captured_idx").on(table.capturedAt, table.id),
  ],
);
