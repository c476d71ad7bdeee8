import {
  type ClaimedDelivery,
  type DeliveryAttemptRecord,
  type DeliveryView,
  deliveryAfterAttempt,
  endpointReceives,
  newId,
  outboundWebhookBody,
  type Page,
  type WebhookEndpointPatch,
  type WebhookEndpointRecord,
} from "@mailroute/core";
import { and, asc, count, desc, eq, gt, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { readJson } from "../../json";
import { beforeCursor, newestFirstPage } from "../../repositories/newest-first";
import type { PgClient } from "../pg-client";
import {
  deliveryEvents,
  settings,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "../schema/index";
import { toEmailEvent } from "./event-rows";
import { queryBuilder } from "./query-builder";

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferInsert;

const fanOutCursorKey = "outbox_cursor";
/** Deliveries written per insert statement (9 parameters each, far below PostgreSQL's 65,535). */
const deliveriesPerInsert = 500;
const iso = (value: number | null) => (value === null ? null : new Date(value).toISOString());

function toEndpoint(row: EndpointRow): WebhookEndpointRecord {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: readJson<string[]>(row.eventTypes),
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    failingSince: iso(row.failingSince),
    secret: row.secret,
    previousSecret: row.previousSecret,
    previousSecretExpiresAt: iso(row.previousSecretExpiresAt),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/**
 * Locks the fan-out cursor's row until the transaction ends and returns the cursor (the last
 * event `seq` fanned out), creating the row at 0 the first time. `update` is taken by the fan-out,
 * so instances fan out one after the other, each from where the last one committed; `share` by
 * an endpoint's creation and deletion, so no fan-out runs between the moment it reads where the
 * feed stands and the moment the new endpoint is visible (a fan-out that did not see it could
 * pass events that are the endpoint's), nor writes deliveries for an endpoint being deleted.
 */
async function lockFanOutCursor(
  client: PgClient,
  mode: "update" | "share",
  at: Date,
): Promise<number> {
  for (;;) {
    const result = await client.query<{ value: string }>({
      name: `mailroute_outbox_cursor_${mode}`,
      text: `select value from settings where key = $1 for ${mode}`,
      values: [fanOutCursorKey],
    });
    const row = result.rows[0];
    if (row) {
      return Number(row.value);
    }
    // Another instance may create it at the same moment: then this insert waits for that one's
    // commit and does nothing, and the next round of the loop locks the row it made.
    await queryBuilder(client)
      .insert(settings)
      .values({ key: fanOutCursorKey, value: "0", updatedAt: at.getTime() })
      .onConflictDoNothing({ target: settings.key });
  }
}

/** The last sequenced event's `seq` (0 when there is none): where the feed stands now. */
async function lastSeq(client: PgClient): Promise<number> {
  const [row] = await queryBuilder(client)
    .select({ seq: sql<number>`coalesce(max(${deliveryEvents.seq}), 0)`.mapWith(Number) })
    .from(deliveryEvents);
  return row?.seq ?? 0;
}

/** Creates an endpoint; it receives events stored after this moment. */
export async function createEndpoint(
  client: PgClient,
  input: {
    id: string;
    url: string;
    description: string | null;
    eventTypes: string[] | null;
    enabled: boolean;
    secret: string;
    at: Date;
  },
): Promise<WebhookEndpointRecord> {
  const at = input.at.getTime();
  await lockFanOutCursor(client, "share", input.at);
  const [row] = await queryBuilder(client)
    .insert(webhookEndpoints)
    .values({
      id: input.id,
      url: input.url,
      description: input.description,
      eventTypes: input.eventTypes ? JSON.stringify(input.eventTypes) : null,
      enabled: input.enabled,
      secret: input.secret,
      startSeq: await lastSeq(client),
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  if (!row) {
    throw new Error(`the webhook endpoint ${input.id} was not stored`);
  }
  return toEndpoint(row);
}

export async function listEndpoints(client: PgClient): Promise<WebhookEndpointRecord[]> {
  const rows = await queryBuilder(client)
    .select()
    .from(webhookEndpoints)
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  return rows.map(toEndpoint);
}

export async function getEndpoint(
  client: PgClient,
  id: string,
): Promise<WebhookEndpointRecord | null> {
  const [row] = await queryBuilder(client)
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id));
  return row ? toEndpoint(row) : null;
}

export async function updateEndpoint(
  client: PgClient,
  id: string,
  patch: WebhookEndpointPatch,
  at: Date,
): Promise<WebhookEndpointRecord | null> {
  const changes: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: at.getTime() };
  if (patch.url !== undefined) {
    changes.url = patch.url;
  }
  if (patch.description !== undefined) {
    changes.description = patch.description;
  }
  if (patch.eventTypes !== undefined) {
    changes.eventTypes = patch.eventTypes ? JSON.stringify(patch.eventTypes) : null;
  }
  if (patch.enabled !== undefined) {
    changes.enabled = patch.enabled;
    if (patch.enabled) {
      changes.disabledReason = null;
      changes.failingSince = null;
    }
  }
  const [row] = await queryBuilder(client)
    .update(webhookEndpoints)
    .set(changes)
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return row ? toEndpoint(row) : null;
}

/**
 * Deletes an endpoint and its deliveries. It waits for a running fan-out first, as a creation
 * does: deliveries that fan-out writes for the endpoint are then deleted too, instead of staying
 * pending forever for an endpoint that no longer exists.
 */
export async function deleteEndpoint(client: PgClient, id: string): Promise<boolean> {
  const db = queryBuilder(client);
  await lockFanOutCursor(client, "share", new Date());
  await db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id));
  const result = await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return (result.rowCount ?? 0) > 0;
}

export async function rotateSecret(
  client: PgClient,
  id: string,
  secret: string,
  previousExpiresAt: Date,
  at: Date,
): Promise<WebhookEndpointRecord | null> {
  const [row] = await queryBuilder(client)
    .update(webhookEndpoints)
    .set({
      previousSecret: sql`${webhookEndpoints.secret}`,
      previousSecretExpiresAt: previousExpiresAt.getTime(),
      secret,
      updatedAt: at.getTime(),
    })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return row ? toEndpoint(row) : null;
}

/**
 * Tails the event log from the stored cursor and creates one delivery per matching enabled
 * endpoint, advancing the cursor in the same transaction: no event is skipped, and a crash only
 * repeats work the unique (endpoint, event) index makes harmless.
 *
 * It reads sequenced events only (`seq` is given after commit, in commit order, so every event
 * below a visible `seq` is visible too: the cursor never passes an event that commits later), and
 * it holds the cursor row's lock to the end of the transaction, so instances running it at once
 * take turns, each starting from the cursor the one before committed.
 */
export async function fanOutEvents(client: PgClient, limit: number, at: Date): Promise<number> {
  const db = queryBuilder(client);
  // Without any endpoint nothing is fanned out (see below), so the cursor row is not locked:
  // locking it is a write, and every instance runs this after every numbering step.
  const anyEndpoint = await client.query({
    name: "mailroute_outbox_any_endpoint",
    text: "select 1 from webhook_endpoints limit 1",
  });
  if (anyEndpoint.rowCount === 0) {
    return 0;
  }
  const cursor = await lockFanOutCursor(client, "update", at);
  const all = await db.select().from(webhookEndpoints);
  // Without any endpoint there is nothing to fan out to, and an endpoint created later only
  // receives events stored after it (startSeq), so the cursor may stay behind. A disabled
  // endpoint still moves the cursor on: it does not get the events of its disabled time.
  if (all.length === 0) {
    return 0;
  }
  const endpoints = all.map((endpoint) => ({
    id: endpoint.id,
    enabled: endpoint.enabled,
    startSeq: endpoint.startSeq,
    eventTypes: readJson<string[]>(endpoint.eventTypes),
  }));
  const events = await db
    .select()
    .from(deliveryEvents)
    .where(gt(deliveryEvents.seq, cursor))
    .orderBy(asc(deliveryEvents.seq))
    .limit(limit);
  const last = events.at(-1);
  if (!last?.seq) {
    return 0;
  }
  const deliveries: DeliveryRow[] = [];
  for (const event of events) {
    // `seq > cursor` matched, so the event is sequenced.
    const sequenced = { seq: event.seq ?? 0, type: event.type };
    const receivers = endpoints.filter((endpoint) => endpointReceives(endpoint, sequenced));
    if (receivers.length === 0) {
      continue;
    }
    const body = outboundWebhookBody(toEmailEvent(event));
    for (const endpoint of receivers) {
      deliveries.push({
        id: newId("whmsg", at.getTime()),
        endpointId: endpoint.id,
        eventId: event.id,
        eventSeq: sequenced.seq,
        eventType: event.type,
        payload: body,
        status: "pending",
        nextAttemptAt: at.getTime(),
        createdAt: at.getTime(),
      });
    }
  }
  for (let start = 0; start < deliveries.length; start += deliveriesPerInsert) {
    await db
      .insert(webhookDeliveries)
      .values(deliveries.slice(start, start + deliveriesPerInsert))
      .onConflictDoNothing({ target: [webhookDeliveries.endpointId, webhookDeliveries.eventId] });
  }
  await db
    .update(settings)
    .set({ value: String(last.seq), updatedAt: at.getTime() })
    .where(eq(settings.key, fanOutCursorKey));
  return events.length;
}

// Leases due deliveries in one statement. `skip locked` lets instances claim at once without
// waiting for each other or taking the same rows; a row another instance leased and committed
// meanwhile is read again as it now is, and its lease keeps it out. The columns are named (no
// `e.*`): a prepared statement whose result changes shape fails after a migration adds a column.
const claimSql = `with due as (
  select d.id from webhook_deliveries d
  join webhook_endpoints e on e.id = d.endpoint_id
  where d.status = 'pending' and d.next_attempt_at <= $1
    and (d.lease_until is null or d.lease_until < $1)
    and e.enabled
  order by d.next_attempt_at
  limit $2
  for update of d skip locked
)
update webhook_deliveries d set lease_owner = $3, lease_until = $4
from due, webhook_endpoints e
where d.id = due.id and e.id = d.endpoint_id
returning d.id as delivery_id, d.payload as delivery_payload, d.attempts as delivery_attempts,
  d.next_attempt_at as delivery_next_attempt_at, e.id, e.url, e.description, e.event_types,
  e.enabled, e.disabled_reason, e.failing_since, e.secret, e.previous_secret,
  e.previous_secret_expires_at, e.start_seq, e.created_at, e.updated_at`;

interface ClaimedRow {
  delivery_id: string;
  delivery_payload: string;
  delivery_attempts: number;
  delivery_next_attempt_at: number | string;
  id: string;
  url: string;
  description: string | null;
  event_types: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: number | string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | string | null;
  start_seq: number | string;
  created_at: number | string;
  updated_at: number | string;
}

const numberOrNull = (value: number | string | null) => (value === null ? null : Number(value));

/** Leases due deliveries of enabled endpoints (a crashed worker's lease expires and they return). */
export async function claimDeliveries(
  client: PgClient,
  input: { owner: string; limit: number; leaseMs: number; now: Date },
): Promise<ClaimedDelivery[]> {
  const now = input.now.getTime();
  const result = await client.query<ClaimedRow>({
    name: "mailroute_outbox_claim",
    text: claimSql,
    values: [now, input.limit, input.owner, now + input.leaseMs],
  });
  return result.rows
    .sort(
      (a, b) =>
        Number(a.delivery_next_attempt_at) - Number(b.delivery_next_attempt_at) ||
        (a.delivery_id < b.delivery_id ? -1 : 1),
    )
    .map((row) => ({
      id: row.delivery_id,
      endpoint: toEndpoint({
        id: row.id,
        url: row.url,
        description: row.description,
        eventTypes: row.event_types,
        enabled: row.enabled,
        disabledReason: row.disabled_reason,
        failingSince: numberOrNull(row.failing_since),
        secret: row.secret,
        previousSecret: row.previous_secret,
        previousSecretExpiresAt: numberOrNull(row.previous_secret_expires_at),
        startSeq: Number(row.start_seq),
        createdAt: Number(row.created_at),
        updatedAt: Number(row.updated_at),
      }),
      payload: row.delivery_payload,
      attempts: row.delivery_attempts,
    }));
}

/** Records one attempt and moves the delivery (and, when asked, its endpoint) on. */
export async function recordDeliveryAttempt(
  client: PgClient,
  record: DeliveryAttemptRecord,
): Promise<void> {
  const db = queryBuilder(client);
  const at = record.at.getTime();
  await db.insert(webhookAttempts).values({
    id: newId("wha", at),
    deliveryId: record.deliveryId,
    attemptedAt: at,
    status: record.status,
    durationMs: record.durationMs,
    responseExcerpt: record.responseExcerpt,
    error: record.error ? JSON.stringify(record.error) : null,
  });
  await db
    .update(webhookDeliveries)
    .set({
      ...deliveryAfterAttempt(record),
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      leaseOwner: null,
      leaseUntil: null,
      lastStatus: record.status,
      lastError: record.error ? JSON.stringify(record.error) : null,
    })
    .where(eq(webhookDeliveries.id, record.deliveryId));
  const endpointChanges: PgUpdateSetSource<typeof webhookEndpoints> =
    record.outcome === "delivered"
      ? { failingSince: null }
      : { failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${at}::bigint)` };
  if (record.disableEndpoint) {
    endpointChanges.enabled = false;
    endpointChanges.disabledReason = record.disableEndpoint;
    endpointChanges.updatedAt = at;
  }
  await db
    .update(webhookEndpoints)
    .set(endpointChanges)
    .where(eq(webhookEndpoints.id, record.endpointId));
}

/** An endpoint's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  client: PgClient,
  endpointId: string,
  query: {
    status?: DeliveryView["status"] | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<Page<DeliveryView>> {
  const db = queryBuilder(client);
  const conditions: SQL[] = [eq(webhookDeliveries.endpointId, endpointId)];
  if (query.status) {
    conditions.push(eq(webhookDeliveries.status, query.status));
  }
  const before = beforeCursor(query.cursor, webhookDeliveries.createdAt, webhookDeliveries.id);
  if (before) {
    conditions.push(before);
  }
  // Never `payload`: it is the whole event, raw provider payload included.
  const rows = await db
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      eventType: webhookDeliveries.eventType,
      status: webhookDeliveries.status,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      createdAt: webhookDeliveries.createdAt,
      deliveredAt: webhookDeliveries.deliveredAt,
    })
    .from(webhookDeliveries)
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(query.limit + 1);
  const pageIds = rows.slice(0, query.limit).map((row) => row.id);
  const attemptsByDelivery = new Map<string, DeliveryView["attempts"]>();
  if (pageIds.length > 0) {
    const attempts = await db
      .select()
      .from(webhookAttempts)
      .where(inArray(webhookAttempts.deliveryId, pageIds))
      .orderBy(asc(webhookAttempts.attemptedAt), asc(webhookAttempts.id));
    for (const attempt of attempts) {
      const list = attemptsByDelivery.get(attempt.deliveryId) ?? [];
      list.push({
        attemptedAt: new Date(attempt.attemptedAt).toISOString(),
        status: attempt.status,
        durationMs: attempt.durationMs,
        responseExcerpt: attempt.responseExcerpt,
        error: readJson<{ code: string; message: string }>(attempt.error),
      });
      attemptsByDelivery.set(attempt.deliveryId, list);
    }
  }
  // A delivery's size is mostly its attempts' response excerpts, known only once they are read.
  const views = rows.map((row): DeliveryView & { createdAtMs: number } => ({
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: attemptsByDelivery.get(row.id) ?? [],
    nextAttemptAt: iso(row.nextAttemptAt),
    createdAt: new Date(row.createdAt).toISOString(),
    deliveredAt: iso(row.deliveredAt),
    createdAtMs: row.createdAt,
  }));
  const page = newestFirstPage(
    views,
    query.limit,
    (view) => [view.createdAtMs, view.id],
    (view) => Buffer.byteLength(JSON.stringify(view)),
  );
  return {
    data: page.rows.map(({ createdAtMs: _, ...view }) => view),
    nextCursor: page.nextCursor,
  };
}

/** Queues deliveries again, keeping their ids (receivers dedupe by `webhook-id`). */
export async function replayDeliveries(
  client: PgClient,
  endpointId: string,
  selection: { deliveryId: string } | { since: Date; until: Date },
  at: Date,
): Promise<number> {
  const which =
    "deliveryId" in selection
      ? eq(webhookDeliveries.id, selection.deliveryId)
      : and(
          gte(webhookDeliveries.createdAt, selection.since.getTime()),
          lt(webhookDeliveries.createdAt, selection.until.getTime()),
        );
  const result = await queryBuilder(client)
    .update(webhookDeliveries)
    .set({ status: "pending", nextAttemptAt: at.getTime(), leaseOwner: null, leaseUntil: null })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), which));
  return result.rowCount ?? 0;
}

/** Deliveries still to be made (waiting or retrying); counted over `webhook_deliveries_due_idx`. */
export async function countPendingDeliveries(client: PgClient): Promise<number> {
  const [row] = await queryBuilder(client)
    .select({ count: count() })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.status, "pending"));
  return row?.count ?? 0;
}
