import {
  type AttachmentView,
  type EmailMessage,
  type PurgeExpiredInput,
  type PurgeExpiredResult,
  unfinishedStatuses,
} from "@mailroute/core";
import type { SqliteDatabase } from "../open-database";
import { attachmentViews } from "./attachment-views";
import { prepared } from "./prepared";

/**
 * A message's `payload` once retention purged its content: no `text` or `html`, and each
 * attachment reduced to what a read shows of it (name, type, size).
 */
export type PurgedMessagePayload = Omit<EmailMessage, "text" | "html" | "attachments"> & {
  attachments: AttachmentView[];
};

/** The payload a message keeps once its content is purged (see {@link PurgedMessagePayload}). */
export function purgeMessageContent(payload: string): string {
  const { text: _text, html: _html, ...message } = JSON.parse(payload) as EmailMessage;
  const purged: PurgedMessagePayload = {
    ...message,
    attachments: attachmentViews(message.attachments),
  };
  return JSON.stringify(purged);
}

// The statuses are core's constants, written into the SQL so the statements stay compiled once.
const unfinished = unfinishedStatuses.map((status) => `'${status}'`).join(", ");

/** A finished message: not in an unfinished status, and without a dispatch job. */
const finishedMessage = `m.status not in (${unfinished}) and not exists (select 1 from jobs j where j.message_id = m.id)`;

/**
 * The highest event `seq` records may be purged up to: every event the outbound fan-out has
 * reached or will never reach (an endpoint only receives events stored after it was created), and
 * every event when there is no endpoint to fan out to.
 */
function fannedOutUpTo(db: SqliteDatabase): number {
  const row = prepared(
    db,
    "select min(start_seq) as oldestStart, (select cast(value as integer) from settings where key = 'outbox_cursor') as cursor from webhook_endpoints",
  ).get() as { oldestStart: number | null; cursor: number | null };
  if (row.oldestStart === null) {
    return Number.MAX_SAFE_INTEGER;
  }
  return Math.max(row.oldestStart, row.cursor ?? 0);
}

function purgeContent(db: SqliteDatabase, before: number, limit: number, now: number): number {
  const rows = prepared(
    db,
    `select m.id, m.payload from messages m where m.content_purged_at is null and m.created_at < ? and ${finishedMessage} order by m.created_at limit ?`,
  ).all(before, limit) as { id: string; payload: string }[];
  const update = prepared(
    db,
    "update messages set payload = ?, content_purged_at = ? where id = ? and content_purged_at is null",
  );
  for (const row of rows) {
    update.run(purgeMessageContent(row.payload), now, row.id);
  }
  if (rows.length >= limit) {
    return rows.length;
  }
  const captures = prepared(
    db,
    "delete from captures where id in (select id from captures where captured_at < ? order by captured_at limit ?)",
  ).run(before, limit - rows.length).changes;
  return rows.length + captures;
}

function purgeRaw(db: SqliteDatabase, before: number, limit: number, upToSeq: number): number {
  return prepared(
    db,
    "update delivery_events set raw = null where seq in (select seq from delivery_events where raw is not null and received_at < ? and seq <= ? order by received_at limit ?)",
  ).run(before, upToSeq, limit).changes;
}

function purgeMessages(db: SqliteDatabase, before: number, limit: number, upToSeq: number): number {
  const ids = (
    prepared(
      db,
      `select m.id from messages m where m.created_at < ? and ${finishedMessage} and not exists (select 1 from delivery_events e where e.message_id = m.id and e.seq > ?) order by m.created_at limit ?`,
    ).all(before, upToSeq, limit) as { id: string }[]
  ).map((row) => row.id);
  if (ids.length === 0) {
    return 0;
  }
  const list = JSON.stringify(ids);
  for (const table of [
    "recipients",
    "message_tags",
    "send_attempts",
    "delivery_events",
    "captures",
  ]) {
    prepared(db, `delete from ${table} where message_id in (select value from json_each(?))`).run(
      list,
    );
  }
  return prepared(db, "delete from messages where id in (select value from json_each(?))").run(list)
    .changes;
}

function purgeUnmatchedEvents(
  db: SqliteDatabase,
  before: number,
  limit: number,
  upToSeq: number,
): number {
  return prepared(
    db,
    "delete from delivery_events where seq in (select seq from delivery_events indexed by delivery_events_unmatched_idx where message_id is null and received_at < ? and seq <= ? order by received_at limit ?)",
  ).run(before, upToSeq, limit).changes;
}

function purgeFinishedDeliveries(db: SqliteDatabase, before: number, limit: number): number {
  const ids = JSON.stringify(
    (
      prepared(
        db,
        "select id from webhook_deliveries where status <> 'pending' and created_at < ? order by created_at limit ?",
      ).all(before, limit) as { id: string }[]
    ).map((row) => row.id),
  );
  prepared(
    db,
    "delete from webhook_attempts where delivery_id in (select value from json_each(?))",
  ).run(ids);
  return prepared(
    db,
    "delete from webhook_deliveries where id in (select value from json_each(?))",
  ).run(ids).changes;
}

function purgeExpiredKeys(db: SqliteDatabase, now: number, limit: number): number {
  return prepared(
    db,
    "delete from idempotency_keys where (scope, key) in (select scope, key from idempotency_keys where expires_at <= ? order by expires_at limit ?)",
  ).run(now, limit).changes;
}

/**
 * One batch of the retention purge (see `MailStore.purgeExpired`): at most `limit` messages,
 * events, deliveries or keys in all, content first, then raw payloads, then whole records, each
 * found through an index that holds only what may still be due, so a batch costs the same on a
 * large database as on a small one.
 */
export function purgeExpired(db: SqliteDatabase, input: PurgeExpiredInput): PurgeExpiredResult {
  const now = input.now.getTime();
  const upToSeq = fannedOutUpTo(db);
  let left = input.limit;
  const take = (purge: (limit: number) => number) => {
    if (left <= 0) {
      return 0;
    }
    const purged = purge(left);
    left -= purged;
    return purged;
  };
  const { contentBefore, rawBefore, recordsBefore } = input;
  const content = contentBefore
    ? take((limit) => purgeContent(db, contentBefore.getTime(), limit, now))
    : 0;
  const raw = rawBefore ? take((limit) => purgeRaw(db, rawBefore.getTime(), limit, upToSeq)) : 0;
  let records = take((limit) => purgeExpiredKeys(db, now, limit));
  if (recordsBefore) {
    const before = recordsBefore.getTime();
    records +=
      take((limit) => purgeMessages(db, before, limit, upToSeq)) +
      take((limit) => purgeUnmatchedEvents(db, before, limit, upToSeq)) +
      take((limit) => purgeFinishedDeliveries(db, before, limit));
  }
  return { content, raw, records };
}
