import { sql } from "drizzle-orm";
import { bigint, index, integer, pgTable, text } from "drizzle-orm/pg-core";

/** Every try at a provider, written before the call (`in_flight`) and completed after it. */
export const sendAttempts = pgTable(
  "send_attempts",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id").notNull(),
    jobId: text("job_id").notNull(),
    provider: text("provider").notNull(),
    outcome: text("outcome", {
      enum: ["in_flight", "accepted", "retryable", "permanent", "ambiguous"],
    }).notNull(),
    startedAt: bigint("started_at", { mode: "number" }).notNull(),
    durationMs: integer("duration_ms"),
    providerMessageId: text("provider_message_id"),
    error: text("error"),
  },
  (table) => [
    index("send_attempts_message_idx").on(table.messageId, table.startedAt),
    index("send_attempts_provider_idx").on(table.provider, table.startedAt),
    index("send_attempts_provider_message_idx")
      .on(table.providerMessageId)
      .where(sql`${table.providerMessageId} is not null`),
  ],
);
