import {
  type PurgeExpiredInput,
  type PurgeExpiredResult,
  unfinishedStatuses,
} from "@mailroute/core";
import { purgeMessageContent } from "../../repositories/retention";
import type { PgClient } from "../pg-client";

// The statuses are core's constants, written into the SQL so the statements stay prepared once.
const unfinished = unfinishedStatuses.map((status) => `'${status}'`).join(", ");

/** A finished message: not in an unfinished status, and without a dispatch job. */
const finishedMessage = `m.status not in (${unfinished}) and not exists (select 1 from jobs j where j.message_id = m.id)`;

// Rows another instance's purge (or a writer) holds right now are skipped, not waited for: two
// instances purging at once share the work instead of queueing behind each other.

/**
 * The highest event `seq` records may be purged up to: every event the outbound fan-out has
 * reached or will never reach (an endpoint only receives events stored after it was created), and
 * every numbered event when there is no endpoint. Events not yet numbered (`seq` null, just
 * committed) are never purged.
 */
const fannedOutSql = `select min(start_seq) as "oldestStart",
  (select value from settings where key = 'outbox_cursor') as "cursor" from webhook_endpoints`;

const contentSql = `select m.id, m.payload from messages m
where m.content_purged_at is null and m.created_at < $1 and ${finishedMessage}
order by m.created_at limit $2 for update skip locked`;

const contentUpdateSql = `update messages set payload = v.payload, content_purged_at = $1
from unnest($2::text[], $3::text[]) as v(id, payload) where messages.id = v.id`;

const capturesSql = `delete from captures where id in (
  select id from captures where captured_at < $1 order by captured_at limit $2 for update skip locked)`;

const rawSql = `update delivery_events set raw = null where id in (
  select id from delivery_events where raw is not null and received_at < $1 and seq <= $2
  order by received_at limit $3 for update skip locked)`;

const messagesSql = `select m.id from messages m where m.created_at < $1 and ${finishedMessage}
and not exists (select 1 from delivery_events e where e.message_id = m.id and (e.seq is null or e.seq > $2))
order by m.created_at limit $3 for update skip locked`;

const unmatchedSql = `delete from delivery_events where id in (
  select id from delivery_events where message_id is null and received_at < $1 and seq <= $2
  order by received_at limit $3 for update skip locked)`;

const deliveriesSql = `select id from webhook_deliveries where status <> 'pending' and created_at < $1
order by created_at limit $2 for update skip locked`;

const keysSql = `delete from idempotency_keys where (scope, key) in (
  select scope, key from idempotency_keys where expires_at <= $1
  order by expires_at limit $2 for update skip locked)`;

const messageTables = [
  "recipients",
  "message_tags",
  "send_attempts",
  "delivery_events",
  "captures",
];

async function fannedOutUpTo(client: PgClient): Promise<number> {
  const result = await client.query<{ oldestStart: number | null; cursor: string | null }>({
    name: "mailroute_retention_fanned_out",
    text: fannedOutSql,
  });
  const row = result.rows[0];
  if (!row || row.oldestStart === null) {
    return Number.MAX_SAFE_INTEGER;
  }
  return Math.max(Number(row.oldestStart), row.cursor === null ? 0 : Number(row.cursor));
}

async function purgeContent(
  client: PgClient,
  before: number,
  limit: number,
  now: number,
): Promise<number> {
  const { rows } = await client.query<{ id: string; payload: string }>({
    name: "mailroute_retention_content",
    text: contentSql,
    values: [before, limit],
  });
  if (rows.length > 0) {
    await client.query({
      name: "mailroute_retention_content_update",
      text: contentUpdateSql,
      values: [now, rows.map((row) => row.id), rows.map((row) => purgeMessageContent(row.payload))],
    });
  }
  if (rows.length >= limit) {
    return rows.length;
  }
  const captures = await client.query({
    name: "mailroute_retention_captures",
    text: capturesSql,
    values: [before, limit - rows.length],
  });
  return rows.length + (captures.rowCount ?? 0);
}

async function purgeMessages(
  client: PgClient,
  before: number,
  limit: number,
  upToSeq: number,
): Promise<number> {
  const { rows } = await client.query<{ id: string }>({
    name: "mailroute_retention_messages",
    text: messagesSql,
    values: [before, upToSeq, limit],
  });
  if (rows.length === 0) {
    return 0;
  }
  const ids = rows.map((row) => row.id);
  for (const table of messageTables) {
    await client.query({
      name: `mailroute_retention_delete_${table}`,
      text: `delete from ${table} where message_id = any($1::text[])`,
      values: [ids],
    });
  }
  const deleted = await client.query({
    name: "mailroute_retention_delete_messages",
    text: "delete from messages where id = any($1::text[])",
    values: [ids],
  });
  return deleted.rowCount ?? 0;
}

async function purgeFinishedDeliveries(
  client: PgClient,
  before: number,
  limit: number,
): Promise<number> {
  const { rows } = await client.query<{ id: string }>({
    name: "mailroute_retention_deliveries",
    text: deliveriesSql,
    values: [before, limit],
  });
  if (rows.length === 0) {
    return 0;
  }
  const ids = rows.map((row) => row.id);
  await client.query({
    name: "mailroute_retention_delete_webhook_attempts",
    text: "delete from webhook_attempts where delivery_id = any($1::text[])",
    values: [ids],
  });
  const deleted = await client.query({
    name: "mailroute_retention_delete_webhook_deliveries",
    text: "delete from webhook_deliveries where id = any($1::text[])",
    values: [ids],
  });
  return deleted.rowCount ?? 0;
}

async function deleted(client: PgClient, name: string, text: string, values: unknown[]) {
  return (await client.query({ name, text, values })).rowCount ?? 0;
}

/**
 * One batch of the retention purge (see `MailStore.purgeExpired`), as the SQLite store's: at most
 * `limit` messages, events, deliveries or keys in all, content first, then raw payloads, then
 * whole records, each found through an index that holds only what may still be due.
 */
export async function purgeExpired(
  client: PgClient,
  input: PurgeExpiredInput,
): Promise<PurgeExpiredResult> {
  const now = input.now.getTime();
  const upToSeq = await fannedOutUpTo(client);
  let left = input.limit;
  const take = async (purge: (limit: number) => Promise<number>) => {
    if (left <= 0) {
      return 0;
    }
    const purged = await purge(left);
    left -= purged;
    return purged;
  };
  const { contentBefore, rawBefore, recordsBefore } = input;
  const content = contentBefore
    ? await take((limit) => purgeContent(client, contentBefore.getTime(), limit, now))
    : 0;
  const raw = rawBefore
    ? await take((limit) =>
        deleted(client, "mailroute_retention_raw", rawSql, [rawBefore.getTime(), upToSeq, limit]),
      )
    : 0;
  let records = await take((limit) =>
    deleted(client, "mailroute_retention_keys", keysSql, [now, limit]),
  );
  if (recordsBefore) {
    const before = recordsBefore.getTime();
    records += await take((limit) => purgeMessages(client, before, limit, upToSeq));
    records += await take((limit) =>
      deleted(client, "mailroute_retention_unmatched", unmatchedSql, [before, upToSeq, limit]),
    );
    records += await take((limit) => purgeFinishedDeliveries(client, before, limit));
  }
  return { content, raw, records };
}
