import {
  type EmailEvent,
  type EmailEventType,
  type EventSummary,
  mailrouteSource,
  newId,
} from "@mailroute/core";
import { readJson } from "../../json";
import type { PgClient } from "../pg-client";
import type { deliveryEvents } from "../schema/index";

/** A row of `delivery_events` as written: `seq` and `written` are the database's to set. */
export type EventRow = Omit<typeof deliveryEvents.$inferInsert, "seq" | "written">;

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

function columnsOf(row: EventRow): unknown[] {
  return [
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
export async function insertEventRow(client: PgClient, row: EventRow): Promise<boolean> {
  const result = await client.query({
    name: "insert_event",
    text: insertOneSql,
    values: columnsOf(row),
  });
  return (result.rowCount ?? 0) > 0;
}

const insertManySql = `insert into delivery_events (${eventColumns}) select * from ${unnestOf(eventArrayTypes)}`;

/** Appends mailroute's own events (see {@link dispatchEventRows}) in one statement, in order. */
export async function insertEventRows(client: PgClient, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  await client.query({
    name: "insert_events",
    text: insertManySql,
    values: columnArrays(rows.map(columnsOf), eventArrayTypes.length),
  });
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
