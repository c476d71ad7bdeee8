import type { EmailEvent, EventSummary, StoredEvent } from "@mailroute/core";
import { readJson } from "../json";
import type { SqliteDatabase } from "../open-database";
import type { deliveryEvents } from "../schema/index";
import { prepared } from "./prepared";

/**
 * Appends one event row, every kind through this one statement; false when the provider already
 * delivered an event with the same dedupe key (mailroute's own events have none).
 */
export function insertEventRow(db: SqliteDatabase, event: StoredEvent): boolean {
  return insertWithJson(db, event, JSON.stringify(event.tags), JSON.stringify(event.metadata));
}

function insertWithJson(
  db: SqliteDatabase,
  event: StoredEvent,
  tags: string,
  metadata: string,
): boolean {
  return (
    prepared(
      db,
      "insert into delivery_events (id, message_id, provider, provider_type, provider_message_id, provider_event_id, dedupe_key, type, bounce, recipient, occurred_at, received_at, reason, smtp_code, enhanced_status, url, user_agent, tags, metadata, raw) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (provider, dedupe_key) where dedupe_key is not null do nothing",
    ).run(
      event.id,
      event.messageId,
      event.provider,
      event.providerType,
      event.providerMessageId,
      event.providerEventId,
      event.dedupeKey,
      event.type,
      event.bounce,
      event.recipient,
      event.occurredAt,
      event.receivedAt,
      event.reason,
      event.smtpCode,
      event.enhancedStatus,
      event.url,
      event.userAgent,
      tags,
      metadata,
      event.raw === null ? null : JSON.stringify(event.raw),
    ).changes > 0
  );
}

/**
 * Appends mailroute's own events (see core's `ownEventsOf`); the tags and metadata they share
 * are serialized once.
 */
export function insertEventRows(db: SqliteDatabase, events: readonly StoredEvent[]): void {
  const first = events[0];
  if (!first) {
    return;
  }
  const tags = JSON.stringify(first.tags);
  const metadata = JSON.stringify(first.metadata);
  for (const event of events) {
    insertWithJson(
      db,
      event,
      event.tags === first.tags ? tags : JSON.stringify(event.tags),
      event.metadata === first.metadata ? metadata : JSON.stringify(event.metadata),
    );
  }
}

/** A stored row without its raw provider payload, as the event feed reads it. */
export type EventSummaryRow = Omit<typeof deliveryEvents.$inferSelect, "raw">;

/** Maps a stored row to the API's event shape, without the raw payload. */
export function toEventSummary(row: EventSummaryRow): EventSummary {
  return {
    id: row.id,
    messageId: row.messageId,
    provider: row.provider,
    providerType: row.providerType,
    providerMessageId: row.providerMessageId,
    providerEventId: row.providerEventId,
    type: row.type,
    bounce: row.bounce,
    recipient: row.recipient,
    occurredAt: new Date(row.occurredAt).toISOString(),
    receivedAt: new Date(row.receivedAt).toISOString(),
    reason: row.reason,
    smtpCode: row.smtpCode,
    enhancedStatus: row.enhancedStatus,
    url: row.url,
    userAgent: row.userAgent,
    tags: JSON.parse(row.tags) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, string>,
  };
}

/** Maps a stored row to the API's event shape. */
export function toEmailEvent(row: typeof deliveryEvents.$inferSelect): EmailEvent {
  return { ...toEventSummary(row), raw: readJson<unknown>(row.raw) };
}
