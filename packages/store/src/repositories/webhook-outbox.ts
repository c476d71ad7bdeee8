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
import {
  and,
  asc,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNull,
  lt,
  lte,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { readJson } from "../json";
import type { SqliteDatabase } from "../open-database";
import {
  deliveryEvents,
  settings,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "../schema/index";
import { toEmailEvent } from "./event-rows";
import { beforeCursor, newestFirstPage } from "./newest-first";

type EndpointRow = typeof webhookEndpoints.$inferSelect;

const fanOutCursorKey = "outbox_cursor";
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

function lastSeq(db: SqliteDatabase): number {
  return (
    db
      .select({ seq: sql<number | null>`max(${deliveryEvents.seq})` })
      .from(deliveryEvents)
      .get()?.seq ?? 0
  );
}

/** Creates an endpoint; it receives events stored after this moment. */
export function createEndpoint(
  db: SqliteDatabase,
  input: {
    id: string;
    url: string;
    description: string | null;
    eventTypes: string[] | null;
    enabled: boolean;
    secret: string;
    at: Date;
  },
): WebhookEndpointRecord {
  const at = input.at.getTime();
  const row = db
    .insert(webhookEndpoints)
    .values({
      id: input.id,
      url: input.url,
      description: input.description,
      eventTypes: input.eventTypes ? JSON.stringify(input.eventTypes) : null,
      enabled: input.enabled,
      secret: input.secret,
      startSeq: lastSeq(db),
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
  return toEndpoint(row);
}

export function listEndpoints(db: SqliteDatabase): WebhookEndpointRecord[] {
  return db
    .select()
    .from(webhookEndpoints)
    .orderBy(asc(webhookEndpoints.createdAt))
    .all()
    .map(toEndpoint);
}

export function getEndpoint(db: SqliteDatabase, id: string): WebhookEndpointRecord | null {
  const row = db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get();
  return row ? toEndpoint(row) : null;
}

export function updateEndpoint(
  db: SqliteDatabase,
  id: string,
  patch: WebhookEndpointPatch,
  at: Date,
): WebhookEndpointRecord | null {
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
  const row = db
    .update(webhookEndpoints)
    .set(changes)
    .where(eq(webhookEndpoints.id, id))
    .returning()
    .get();
  return row ? toEndpoint(row) : null;
}

export function deleteEndpoint(db: SqliteDatabase, id: string): boolean {
  db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id)).run();
  return db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).run().changes > 0;
}

export function rotateSecret(
  db: SqliteDatabase,
  id: string,
  secret: string,
  previousExpiresAt: Date,
  at: Date,
): WebhookEndpointRecord | null {
  const row = db
    .update(webhookEndpoints)
    .set({
      previousSecret: sql`${webhookEndpoints.secret}`,
      previousSecretExpiresAt: previousExpiresAt.getTime(),
      secret,
      updatedAt: at.getTime(),
    })
    .where(eq(webhookEndpoints.id, id))
    .returning()
    .get();
  return row ? toEndpoint(row) : null;
}

/**
 * Tails the event log from the stored cursor and creates one delivery per matching enabled
 * endpoint, advancing the cursor in the same transaction: no event is skipped, and a crash only
 * repeats work the unique (endpoint, event) index makes harmless.
 */
export function fanOutEvents(db: SqliteDatabase, limit: number, at: Date): number {
  const all = db.select().from(webhookEndpoints).all();
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
  const cursorRow = db.select().from(settings).where(eq(settings.key, fanOutCursorKey)).get();
  const cursor = cursorRow ? Number(cursorRow.value) : 0;
  const events = db
    .select()
    .from(deliveryEvents)
    .where(gt(deliveryEvents.seq, cursor))
    .orderBy(asc(deliveryEvents.seq))
    .limit(limit)
    .all();
  const last = events.at(-1);
  if (!last) {
    return 0;
  }
  for (const event of events) {
    const receivers = endpoints.filter((endpoint) => endpointReceives(endpoint, event));
    if (receivers.length === 0) {
      continue;
    }
    const body = outboundWebhookBody(toEmailEvent(event));
    for (const endpoint of receivers) {
      db.insert(webhookDeliveries)
        .values({
          id: newId("whmsg", at.getTime()),
          endpointId: endpoint.id,
          eventId: event.id,
          eventSeq: event.seq,
          eventType: event.type,
          payload: body,
          status: "pending",
          nextAttemptAt: at.getTime(),
          createdAt: at.getTime(),
        })
        .onConflictDoNothing()
        .run();
    }
  }
  db.insert(settings)
    .values({ key: fanOutCursorKey, value: String(last.seq), updatedAt: at.getTime() })
    .onConflictDoUpdate({
      target: settings.key,
      set: { value: String(last.seq), updatedAt: at.getTime() },
    })
    .run();
  return events.length;
}

/** Leases due deliveries of enabled endpoints (a crashed worker's lease expires and they return). */
export function claimDeliveries(
  db: SqliteDatabase,
  input: { owner: string; limit: number; leaseMs: number; now: Date },
): ClaimedDelivery[] {
  const now = input.now.getTime();
  const rows = db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, now)),
        eq(webhookEndpoints.enabled, true),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(input.limit)
    .all();
  if (rows.length === 0) {
    return [];
  }
  db.update(webhookDeliveries)
    .set({ leaseOwner: input.owner, leaseUntil: now + input.leaseMs })
    .where(
      inArray(
        webhookDeliveries.id,
        rows.map((row) => row.delivery.id),
      ),
    )
    .run();
  return rows.map((row) => ({
    id: row.delivery.id,
    endpoint: toEndpoint(row.endpoint),
    payload: row.delivery.payload,
    attempts: row.delivery.attempts,
  }));
}

/** Records one attempt and moves the delivery (and, when asked, its endpoint) on. */
export function recordDeliveryAttempt(db: SqliteDatabase, record: DeliveryAttemptRecord): void {
  const at = record.at.getTime();
  db.insert(webhookAttempts)
    .values({
      id: newId("wha", at),
      deliveryId: record.deliveryId,
      attemptedAt: at,
      status: record.status,
      durationMs: record.durationMs,
      responseExcerpt: record.responseExcerpt,
      error: record.error ? JSON.stringify(record.error) : null,
    })
    .run();
  db.update(webhookDeliveries)
    .set({
      ...deliveryAfterAttempt(record),
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      leaseOwner: null,
      leaseUntil: null,
      lastStatus: record.status,
      lastError: record.error ? JSON.stringify(record.error) : null,
    })
    .where(eq(webhookDeliveries.id, record.deliveryId))
    .run();
  if (record.outcome === "delivered") {
    db.update(webhookEndpoints)
      .set({ failingSince: null })
      .where(eq(webhookEndpoints.id, record.endpointId))
      .run();
  } else {
    db.update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${at})` })
      .where(eq(webhookEndpoints.id, record.endpointId))
      .run();
  }
  if (record.disableEndpoint) {
    db.update(webhookEndpoints)
      .set({ enabled: false, disabledReason: record.disableEndpoint, updatedAt: at })
      .where(eq(webhookEndpoints.id, record.endpointId))
      .run();
  }
}

/** An endpoint's deliveries, newest first, each with its attempts. */
export function listDeliveries(
  db: SqliteDatabase,
  endpointId: string,
  query: {
    status?: DeliveryView["status"] | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Page<DeliveryView> {
  const conditions: SQL[] = [eq(webhookDeliveries.endpointId, endpointId)];
  if (query.status) {
    conditions.push(eq(webhookDeliveries.status, query.status));
  }
  const before = beforeCursor(query.cursor, webhookDeliveries.createdAt, webhookDeliveries.id);
  if (before) {
    conditions.push(before);
  }
  // Never `payload`: it is the whole event, raw provider payload included.
  const rows = db
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
    .limit(query.limit + 1)
    .all();
  const pageIds = rows.slice(0, query.limit).map((row) => row.id);
  const attemptsByDelivery = new Map<string, DeliveryView["attempts"]>();
  if (pageIds.length > 0) {
    const attempts = db
      .select()
      .from(webhookAttempts)
      .where(inArray(webhookAttempts.deliveryId, pageIds))
      .orderBy(asc(webhookAttempts.attemptedAt))
      .all();
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
export function replayDeliveries(
  db: SqliteDatabase,
  endpointId: string,
  selection: { deliveryId: string } | { since: Date; until: Date },
  at: Date,
): number {
  const which =
    "deliveryId" in selection
      ? eq(webhookDeliveries.id, selection.deliveryId)
      : and(
          gte(webhookDeliveries.createdAt, selection.since.getTime()),
          lt(webhookDeliveries.createdAt, selection.until.getTime()),
        );
  return db
    .update(webhookDeliveries)
    .set({ status: "pending", nextAttemptAt: at.getTime(), leaseOwner: null, leaseUntil: null })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), which))
    .run().changes;
}

/** Deliveries still to be made (waiting or retrying); counted over `webhook_deliveries_due_idx`. */
export function countPendingDeliveries(db: SqliteDatabase): number {
  return (
    db
      .select({ count: sql<number>`count(*)` })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.status, "pending"))
      .get()?.count ?? 0
  );
}
