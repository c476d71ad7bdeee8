import {
  type EmailEvent,
  type EmailEventType,
  type EventSummary,
  mailrouteSource,
  newId,
} from "@mailroute/core";
import { readJson } from "../json";
import type { SqliteDatabase } from "../open-database";
import type { deliveryEvents } from "../schema/index";
import { prepared } from "./prepared";

/** A row of `delivery_events` as Drizzle inserts it. */
export type EventRow = typeof deliveryEvents.$inferInsert;

/** Builds events of mailroute's own (queued, sent, failed…) for each recipient of a message. */
export function dispatchEventRows(input: {
  messageId: string;
  recipients: string[];
  type: EmailEventType;
  at: Date;
  provider?: string | undefined;
  providerType?: string | undefined;
  providerMessageId?: string | null | undefined;
  reason?: string | undefined;
  tags: string[];
  metadata: Record<string, string>;
}): EventRow[] {
  const at = input.at.getTime();
  const tags = JSON.stringify(input.tags);
  const metadata = JSON.stringify(input.metadata);
  return input.recipients.map((recipient) => ({
    id: newId("evt", at),
    messageId: input.messageId,
    provider: input.provider ?? mailrouteSource,
    providerType: input.providerType ?? mailrouteSource,
    providerMessageId: input.providerMessageId ?? null,
    providerEventId: null,
    dedupeKey: null,
    type: input.type,
    bounce: null,
    recipient,
    occurredAt: at,
    receivedAt: at,
    reason: input.reason ?? null,
    smtpCode: null,
    enhancedStatus: null,
    url: null,
    userAgent: null,
    tags,
    metadata,
    raw: null,
  }));
}

/**
 * Appends one event row, every kind through this one statement; false when the provider already
 * delivered an event with the same dedupe key (mailroute's own events have none).
 */
export function insertEventRow(db: SqliteDatabase, row: EventRow): boolean {
  return (
    prepared(
      db,
      "insert into delivery_events (id, message_id, provider, provider_type, provider_message_id, provider_event_id, dedupe_key, type, bounce, recipient, occurred_at, received_at, reason, smtp_code, enhanced_status, url, user_agent, tags, metadata, raw) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (provider, dedupe_key) where dedupe_key is not null do nothing",
    ).run(
      row.id,
      row.messageId ?? null,
      row.provider,
      row.providerType,
      row.providerMessageId ?? null,
      row.providerEventId ?? null,
      row.dedupeKey ?? null,
      row.type,
      row.bounce ?? null,
      row.recipient ?? null,
      row.occurredAt,
      row.receivedAt,
      row.reason ?? null,
      row.smtpCode ?? null,
      row.enhancedStatus ?? null,
      row.url ?? null,
      row.userAgent ?? null,
      row.tags,
      row.metadata,
      row.raw ?? null,
    ).changes > 0
  );
}

/** Appends mailroute's own events (see {@link dispatchEventRows}). */
export function insertEventRows(db: SqliteDatabase, rows: EventRow[]): void {
  for (const row of rows) {
    insertEventRow(db, row);
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
