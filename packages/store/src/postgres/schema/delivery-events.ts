import { bounceClasses, emailEventTypes } from "@mailroute/core";
import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * The normalized event log; `seq` orders the feed and is its cursor.
 *
 * On PostgreSQL `seq` is not a sequence: values taken from a sequence by concurrent writers commit
 * out of order, so a reader following the cursor could pass a value whose row commits later and
 * never see it. Rows are inserted with `seq` null; after commit, one ordering step (under an
 * advisory lock, see postgres/sequencer.ts) gives every committed unsequenced row the next
 * consecutive value, in `written` order. The feed and the webhook fan-out read sequenced rows
 * only, so they are gap-free and in commit order. `written` (a plain sequence) only orders the
 * rows one sequencing step finds; it is never a cursor.
 *
 * JSON columns (`tags`, `metadata`, `raw`) stay `text`, as on SQLite: the store writes and reads
 * them whole and never queries inside them.
 */
export const deliveryEvents = pgTable(
  "delivery_events",
  {
    id: text("id").primaryKey(),
    seq: bigint("seq", { mode: "number" }),
    written: bigserial("written", { mode: "number" }).notNull(),
    messageId: text("message_id"),
    provider: text("provider").notNull(),
    providerType: text("provider_type").notNull(),
    providerMessageId: text("provider_message_id"),
    providerEventId: text("provider_event_id"),
    /** What makes a provider's redelivery of the same event recognisable. */
    dedupeKey: text("dedupe_key"),
    type: text("type", { enum: emailEventTypes }).notNull(),
    bounce: text("bounce", { enum: bounceClasses }),
    recipient: text("recipient"),
    occurredAt: bigint("occurred_at", { mode: "number" }).notNull(),
    receivedAt: bigint("received_at", { mode: "number" }).notNull(),
    reason: text("reason"),
    smtpCode: integer("smtp_code"),
    enhancedStatus: text("enhanced_status"),
    url: text("url"),
    userAgent: text("user_agent"),
    tags: text("tags").notNull(),
    metadata: text("metadata").notNull(),
    raw: text("raw"),
  },
  // mailroute's own events have no dedupe key, so only providers' events enter that index.
  (table) => [
    uniqueIndex("delivery_events_seq_idx").on(table.seq),
    index("delivery_events_unsequenced_idx").on(table.written).where(sql`${table.seq} is null`),
    uniqueIndex("delivery_events_dedupe_idx")
      .on(table.provider, table.dedupeKey)
      .where(sql`${table.dedupeKey} is not null`),
    index("delivery_events_message_idx").on(table.messageId, table.occurredAt),
    index("delivery_events_type_idx").on(table.type, table.seq),
  ],
);
