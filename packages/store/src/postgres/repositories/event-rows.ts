import type { EmailEvent, EventSummary, StoredEvent } from "@mailroute/core";
import { readJson } from "../../json";
import type { PgClient } from "../pg-client";

const eventColumns =
  "id, message_id, provider, provider_type, provider_message_id, provider_event_id, dedupe_key, type, bounce, recipient, occurred_at, received_at, reason, smtp_code, enhanced_status, url, user_agent, tags, metadata, raw";

const eventArrayTypes = [
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
  "bigint",
  "bigint",
  "text",
  "integer",
  "text",
  "text",
  "text",
  "text",
  "text",
  "text",
];

/** The columns of an event (core's `StoredEvent`) in `eventColumns` order. */
function columnsOf(event: StoredEvent, tags: string, metadata: string): unknown[] {
  return [
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
  ];
}

/** Transposes rows into one array per column, for `unnest`. */
export function columnArrays(rows: unknown[][], width: number): unknown[][] {
  const arrays: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) {
    for (let index = 0; index < width; index += 1) {
      arrays[index]?.push(row[index]);
    }
  }
  return arrays;
}

/** `unnest($1::text[], $2::bigint[], …)` for these element types. */
export function unnestOf(types: string[], first = 1): string {
  return `unnest(${types.map((type, index) => `$${index + first}::${type}[]`).join(", ")})`;
}

const insertOneSql = `insert into delivery_events (${eventColumns}) values (${eventArrayTypes
  .map((_, index) => `$${index + 1}`)
  .join(", ")}) on conflict (provider, dedupe_key) where dedupe_key is not null do nothing`;

/**
 * Appends one event row, unsequenced (see sequencer.ts); false when the provider already
 * delivered an event with the same dedupe key (mailroute's own events have none).
 */
export async function insertEventRow(client: PgClient, event: StoredEvent): Promise<boolean> {
  const result = await client.query({
    name: "insert_event",
    text: insertOneSql,
    values: columnsOf(event, JSON.stringify(event.tags), JSON.stringify(event.metadata)),
  });
  return (result.rowCount ?? 0) > 0;
}

const insertManySql = `insert into delivery_events (${eventColumns}) select * from ${unnestOf(eventArrayTypes)}`;

/**
 * Appends mailroute's own events (see core's `ownEventsOf`), in order, in one statement; the tags
 * and metadata the events of one message share are serialized once.
 */
export async function insertEventRows(
  client: PgClient,
  events: readonly StoredEvent[],
): Promise<void> {
  if (events.length === 0) {
    return;
  }
  await client.query({
    name: "insert_events",
    text: insertManySql,
    values: eventColumnArrays(events),
  });
}

/** The insert of {@link insertEventRows} with its column arrays from parameter `first` on. */
export function insertEventsSql(first: number): string {
  return `insert into delivery_events (${eventColumns}) select * from ${unnestOf(eventArrayTypes, first)}`;
}

/** The events as one array per column, for an `unnest` insert. */
export function eventColumnArrays(events: readonly StoredEvent[]): unknown[][] {
  let tagsOf: { value: string[]; json: string } | null = null;
  let metadataOf: { value: Record<string, string>; json: string } | null = null;
  const rows = events.map((event) => {
    if (tagsOf?.value !== event.tags) {
      tagsOf = { value: event.tags, json: JSON.stringify(event.tags) };
    }
    if (metadataOf?.value !== event.metadata) {
      metadataOf = { value: event.metadata, json: JSON.stringify(event.metadata) };
    }
    return columnsOf(event, tagsOf.json, metadataOf.json);
  });
  return columnArrays(rows, eventArrayTypes.length);
}

/** A stored row as the raw queries here select it (see {@link eventSelectList}). */
export interface EventSummaryRow {
  seq: number | null;
  id: string;
  messageId: string | null;
  provider: string;
  providerType: string;
  providerMessageId: string | null;
  providerEventId: string | null;
  type: EmailEvent["type"];
  bounce: EmailEvent["bounce"];
  recipient: string | null;
  occurredAt: number;
  receivedAt: number;
  reason: string | null;
  smtpCode: number | null;
  enhancedStatus: string | null;
  url: string | null;
  userAgent: string | null;
  tags: string;
  metadata: string;
}

/** The select list that reads an {@link EventSummaryRow}. */
export const eventSelectList = `seq, id, message_id as "messageId", provider, provider_type as "providerType", provider_message_id as "providerMessageId", provider_event_id as "providerEventId", type, bounce, recipient, occurred_at as "occurredAt", received_at as "receivedAt", reason, smtp_code as "smtpCode", enhanced_status as "enhancedStatus", url, user_agent as "userAgent", tags, metadata`;

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

/** Maps a stored row with its raw payload to the API's event shape. */
export function toEmailEvent(row: EventSummaryRow & { raw: string | null }): EmailEvent {
  return { ...toEventSummary(row), raw: readJson<unknown>(row.raw) };
}
