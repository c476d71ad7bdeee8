import { bounceClasses, emailEventTypes } from "@mailroute/core";
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** The normalized event log; `seq` orders the feed and is its cursor. */
export const deliveryEvents = sqliteTable(
  "delivery_events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
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
    occurredAt: integer("occurred_at").notNull(),
    receivedAt: integer("received_at").notNull(),
    reason: text("reason"),
    smtpCode: integer("smtp_code"),
    enhancedStatus: text("enhanced_status"),
    url: text("url"),
    userAgent: text("user_agent"),
    tags: text("tags").notNull(),
    metadata: text("metadata").notNull(),
    raw: text("raw"),
  },
  // `id` is unique by construction (time plus 72 random bits) and never looked up: no index.
  // mailroute's own events have no dedupe key, so only providers' events enter that index.
  (table) => [
    uniqueIndex("delivery_events_dedupe_idx")
      .on(table.provider, table.dedupeKey)
      .where(sql`${table.dedupeKey} is not null`),
    index("delivery_events_message_idx").on(table.messageId, table.occurredAt),
    index("delivery_events_type_idx").on(table.type, table.seq),
    // Retention: the oldest events still holding a raw payload, and those matching no message.
    index("delivery_events_raw_kept_idx").on(table.receivedAt).where(sql`${table.raw} is not null`),
    index("delivery_events_unmatched_idx")
      .on(table.receivedAt)
      .where(sql`${table.messageId} is null`),
  ],
);
