import { newId } from "@mailroute/core";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { PgClient } from "../pg-client";
import { deliveryEvents, settings, webhookDeliveries } from "../schema/index";
import { queryBuilder } from "./query-builder";
import { useRepositoryDatabase } from "./repository-testing";
import {
  claimDeliveries,
  countPendingDeliveries,
  createEndpoint,
  deleteEndpoint,
  fanOutEvents,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  recordDeliveryAttempt,
  replayDeliveries,
  rotateSecret,
  updateEndpoint,
} from "./webhook-outbox";

// What every store does is the store contract's (postgres.contract.test.ts runs it here); these
// tests add what it does not reach: events not yet sequenced, several instances at once, and the
// endpoint and delivery details the outbound worker relies on.
const database = useRepositoryDatabase([
  "delivery_events",
  "settings",
  "webhook_endpoints",
  "webhook_deliveries",
  "webhook_attempts",
]);

const now = new Date("2026-03-01T12:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);

/** Next `seq` the stand-in for the store's sequencer gives. */
async function nextSeq(client: PgClient): Promise<number> {
  const [row] = await queryBuilder(client)
    .select({ seq: sql<number>`coalesce(max(${deliveryEvents.seq}), 0) + 1`.mapWith(Number) })
    .from(deliveryEvents);
  return row?.seq ?? 1;
}

/** Stores events as the accept path does; `sequenced: false` leaves them as a commit leaves them. */
async function storeEvents(
  count: number,
  options: { sequenced?: boolean; type?: "queued" | "delivered" } = {},
): Promise<string[]> {
  return database.write(async (client) => {
    const ids: string[] = [];
    let seq = await nextSeq(client);
    for (let index = 0; index < count; index++) {
      const id = newId("evt", now.getTime());
      ids.push(id);
      await queryBuilder(client)
        .insert(deliveryEvents)
        .values({
          id,
          seq: options.sequenced === false ? null : seq++,
          messageId: "msg_1",
          provider: "mailroute",
          providerType: "mailroute",
          type: options.type ?? "queued",
          recipient: "to@example.com",
          occurredAt: now.getTime(),
          receivedAt: now.getTime(),
          tags: "[]",
          metadata: "{}",
        });
    }
    return ids;
  });
}

/** What the store's sequencer does after commit: numbers the unsequenced events in order. */
async function sequenceEvents(): Promise<void> {
  await database.write(async (client) => {
    await client.query(
      `update delivery_events set seq = numbered.seq from (
        select id, (select coalesce(max(seq), 0) from delivery_events) + row_number() over (order by written) as seq
        from delivery_events where seq is null
      ) numbered where delivery_events.id = numbered.id`,
    );
  });
}

function endpoint(options: { enabled?: boolean; eventTypes?: string[] | null } = {}) {
  return database.write((client) =>
    createEndpoint(client, {
      id: newId("we"),
      url: "http://127.0.0.1:9/hook",
      description: null,
      eventTypes: options.eventTypes ?? null,
      enabled: options.enabled ?? true,
      secret: "whsec_x",
      at: now,
    }),
  );
}

const fanOut = (limit = 100, at = now) =>
  database.write((client) => fanOutEvents(client, limit, at));

async function deliveriesOf(endpointId: string) {
  return (await database.read((client) => listDeliveries(client, endpointId, { limit: 100 }))).data;
}

async function cursor(): Promise<string | undefined> {
  const [row] = await database.read((client) =>
    queryBuilder(client).select().from(settings).where(eq(settings.key, "outbox_cursor")),
  );
  return row?.value;
}

describe("endpoints", () => {
  it("creates, reads, patches, rotates and deletes an endpoint", async () => {
    const created = await endpoint({ eventTypes: ["delivered"] });
    expect(created).toMatchObject({ enabled: true, eventTypes: ["delivered"], secret: "whsec_x" });
    expect(await database.read((client) => getEndpoint(client, created.id))).toEqual(created);
    const disabled = await database.write((client) =>
      updateEndpoint(client, created.id, { enabled: false, description: "off" }, later(1)),
    );
    expect(disabled).toMatchObject({ enabled: false, description: "off" });
    expect(disabled?.updatedAt).toBe(later(1).toISOString());
    const rotated = await database.write((client) =>
      rotateSecret(client, created.id, "whsec_y", later(60_000), later(2)),
    );
    expect(rotated).toMatchObject({
      secret: "whsec_y",
      previousSecret: "whsec_x",
      previousSecretExpiresAt: later(60_000).toISOString(),
    });
    expect(await database.read((client) => listEndpoints(client))).toHaveLength(1);
    expect(await database.write((client) => deleteEndpoint(client, created.id))).toBe(true);
    expect(await database.write((client) => deleteEndpoint(client, created.id))).toBe(false);
    expect(await database.read((client) => getEndpoint(client, created.id))).toBeNull();
    expect(
      await database.write((client) => updateEndpoint(client, "we_unknown", {}, now)),
    ).toBeNull();
  });

  it("enabling an endpoint clears why it was disabled and its failure run", async () => {
    const created = await endpoint();
    await storeEvents(1);
    await fanOut();
    const [claimed] = await database.write((client) =>
      claimDeliveries(client, { owner: "a", limit: 1, leaseMs: 1000, now }),
    );
    await database.write((client) =>
      recordDeliveryAttempt(client, {
        deliveryId: claimed?.id ?? "",
        endpointId: created.id,
        at: now,
        status: 410,
        durationMs: 2,
        responseExcerpt: "gone",
        error: null,
        outcome: "failed",
        disableEndpoint: "the endpoint answered 410 Gone",
      }),
    );
    expect(await database.read((client) => getEndpoint(client, created.id))).toMatchObject({
      enabled: false,
      disabledReason: "the endpoint answered 410 Gone",
      failingSince: now.toISOString(),
    });
    expect(
      await database.write((client) =>
        updateEndpoint(client, created.id, { enabled: true }, later(5)),
      ),
    ).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });
});

describe("fanOutEvents", () => {
  it("gives an endpoint only the event types it asked for, with the event as the body", async () => {
    const created = await endpoint({ eventTypes: ["delivered"] });
    await storeEvents(1);
    const [deliveredId] = await storeEvents(1, { type: "delivered" });
    expect(await fanOut()).toBe(2);
    const [delivery] = await database.write((client) =>
      claimDeliveries(client, { owner: "a", limit: 10, leaseMs: 1000, now }),
    );
    expect(delivery?.endpoint.id).toBe(created.id);
    expect(JSON.parse(delivery?.payload ?? "{}")).toMatchObject({
      type: "message.delivered",
      timestamp: now.toISOString(),
      data: { id: deliveredId, type: "delivered", recipient: "to@example.com", raw: null },
    });
  });

  it("never passes an event that has no seq yet, and delivers it once it has one", async () => {
    const created = await endpoint();
    await storeEvents(2);
    const [late] = await storeEvents(1, { sequenced: false });
    expect(await fanOut()).toBe(2);
    expect(await cursor()).toBe("2");
    // Nothing to do until the event is sequenced: the cursor stays where it is.
    expect(await fanOut()).toBe(0);
    expect(await cursor()).toBe("2");
    await sequenceEvents();
    expect(await fanOut()).toBe(1);
    expect((await deliveriesOf(created.id)).map((delivery) => delivery.eventId)).toContain(late);
    expect(await cursor()).toBe("3");
  });

  it("moves on page by page and writes one delivery per event and endpoint", async () => {
    const first = await endpoint();
    const second = await endpoint();
    await storeEvents(30);
    expect(await fanOut(12)).toBe(12);
    expect(await fanOut(12)).toBe(12);
    expect(await fanOut(12)).toBe(6);
    expect(await fanOut(12)).toBe(0);
    expect(await deliveriesOf(first.id)).toHaveLength(30);
    expect(await deliveriesOf(second.id)).toHaveLength(30);
    expect(await database.read((client) => countPendingDeliveries(client))).toBe(60);
  });

  it("makes a second instance wait for the first one's fan-out and go on from its cursor", async () => {
    const created = await endpoint();
    await storeEvents(10);
    const first = await database.begin();
    expect(await fanOutEvents(first.client, 6, now)).toBe(6);
    const second = await database.begin();
    const secondFanOut = fanOutEvents(second.client, 6, now);
    await database.waitUntilBlocked(second.pid);
    await first.commit();
    // Had it not waited, it would have read cursor 0 and fanned out the first six again.
    expect(await secondFanOut).toBe(4);
    await second.commit();
    expect(await cursor()).toBe("10");
    expect(await deliveriesOf(created.id)).toHaveLength(10);
  });

  it("fans every event out exactly once with several instances running it at once", async () => {
    await endpoint();
    await storeEvents(120);
    const counts = await Promise.all(
      Array.from({ length: 4 }, async () => {
        let total = 0;
        for (;;) {
          const done = await fanOut(7);
          if (done === 0) {
            return total;
          }
          total += done;
        }
      }),
    );
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(120);
    expect(await cursor()).toBe("120");
  });

  it("makes an endpoint's creation wait for a running fan-out, which could not see it", async () => {
    await endpoint();
    await storeEvents(3);
    const fanning = await database.begin();
    expect(await fanOutEvents(fanning.client, 100, now)).toBe(3);
    const creator = await database.begin();
    const creating = createEndpoint(creator.client, {
      id: "we_late",
      url: "http://127.0.0.1:9/late",
      description: null,
      eventTypes: null,
      enabled: true,
      secret: "whsec_late",
      at: now,
    });
    await database.waitUntilBlocked(creator.pid);
    await fanning.commit();
    // It reads where the feed stands only after that fan-out committed: its events start after.
    expect((await creating).id).toBe("we_late");
    await creator.commit();
    await storeEvents(1);
    expect(await fanOut()).toBe(1);
    expect(await deliveriesOf("we_late")).toHaveLength(1);
  });
  it("makes an endpoint's deletion wait for a running fan-out, so none of its deliveries stay behind", async () => {
    const created = await endpoint();
    await storeEvents(3);
    const fanning = await database.begin();
    expect(await fanOutEvents(fanning.client, 100, now)).toBe(3);
    const deleter = await database.begin();
    const deleting = deleteEndpoint(deleter.client, created.id);
    await database.waitUntilBlocked(deleter.pid);
    await fanning.commit();
    expect(await deleting).toBe(true);
    await deleter.commit();
    expect(await deliveriesOf(created.id)).toEqual([]);
    expect(await database.read((client) => countPendingDeliveries(client))).toBe(0);
  });
});

describe("claimDeliveries", () => {
  async function pendingDeliveries(count: number) {
    const created = await endpoint();
    await storeEvents(count);
    await fanOut(1000);
    return created;
  }

  it("leases due deliveries to one worker until the lease expires", async () => {
    await pendingDeliveries(3);
    const claim = (owner: string, at: Date) =>
      database.write((client) =>
        claimDeliveries(client, { owner, limit: 10, leaseMs: 1000, now: at }),
      );
    expect(await claim("a", now)).toHaveLength(3);
    expect(await claim("b", later(500))).toHaveLength(0);
    expect(await claim("b", later(1001))).toHaveLength(3);
  });

  it("lets two instances claim at once without waiting for each other or sharing a delivery", async () => {
    await pendingDeliveries(10);
    const one = await database.begin();
    const two = await database.begin();
    const first = await claimDeliveries(one.client, { owner: "a", limit: 6, leaseMs: 1000, now });
    // The first claim is not committed: its rows are skipped, not waited for.
    const second = await claimDeliveries(two.client, { owner: "b", limit: 6, leaseMs: 1000, now });
    await one.commit();
    await two.commit();
    expect(first).toHaveLength(6);
    expect(second).toHaveLength(4);
    const ids = new Set([...first, ...second].map((delivery) => delivery.id));
    expect(ids.size).toBe(10);
  });

  it("claims nothing of a disabled endpoint, nor deliveries not yet due", async () => {
    const created = await pendingDeliveries(2);
    const claim = (at: Date) =>
      database.write((client) =>
        claimDeliveries(client, { owner: "a", limit: 10, leaseMs: 1000, now: at }),
      );
    expect(await claim(later(-1))).toHaveLength(0);
    await database.write((client) => updateEndpoint(client, created.id, { enabled: false }, now));
    expect(await claim(now)).toHaveLength(0);
  });

  it("records attempts: a retry comes back when due, a delivery ends, attempts are listed", async () => {
    const created = await pendingDeliveries(2);
    const claimed = await database.write((client) =>
      claimDeliveries(client, { owner: "a", limit: 10, leaseMs: 1000, now }),
    );
    const [retried, delivered] = claimed;
    await database.write(async (client) => {
      await recordDeliveryAttempt(client, {
        deliveryId: retried?.id ?? "",
        endpointId: created.id,
        at: now,
        status: 500,
        durationMs: 4,
        responseExcerpt: "oops",
        error: { code: "HTTP_500", message: "server error" },
        outcome: "retry",
        nextAttemptAt: later(60_000),
      });
      await recordDeliveryAttempt(client, {
        deliveryId: delivered?.id ?? "",
        endpointId: created.id,
        at: later(1),
        status: 200,
        durationMs: 3,
        responseExcerpt: "ok",
        error: null,
        outcome: "delivered",
      });
    });
    expect(await database.read((client) => countPendingDeliveries(client))).toBe(1);
    expect((await database.read((client) => getEndpoint(client, created.id)))?.failingSince).toBe(
      null,
    );
    const claimAt = (at: Date) =>
      database.write((client) =>
        claimDeliveries(client, { owner: "b", limit: 10, leaseMs: 1000, now: at }),
      );
    expect(await claimAt(later(59_999))).toHaveLength(0);
    const [again] = await claimAt(later(60_000));
    expect(again).toMatchObject({ id: retried?.id, attempts: 1 });
    const views = await deliveriesOf(created.id);
    const retriedView = views.find((view) => view.id === retried?.id);
    expect(retriedView).toMatchObject({
      status: "pending",
      nextAttemptAt: later(60_000).toISOString(),
      attempts: [{ status: 500, error: { code: "HTTP_500", message: "server error" } }],
    });
    expect(views.find((view) => view.id === delivered?.id)).toMatchObject({
      status: "delivered",
      deliveredAt: later(1).toISOString(),
    });
    expect(
      (
        await database.read((client) =>
          listDeliveries(client, created.id, { status: "delivered", limit: 10 }),
        )
      ).data.map((view) => view.id),
    ).toEqual([delivered?.id]);
  });

  it("queues deliveries again on replay, keeping their ids", async () => {
    const created = await pendingDeliveries(2);
    await database.write((client) =>
      queryBuilder(client)
        .update(webhookDeliveries)
        .set({ status: "delivered", nextAttemptAt: null }),
    );
    const [one] = await deliveriesOf(created.id);
    expect(
      await database.write((client) =>
        replayDeliveries(client, created.id, { deliveryId: one?.id ?? "" }, later(10)),
      ),
    ).toBe(1);
    expect(await database.read((client) => countPendingDeliveries(client))).toBe(1);
    expect(
      await database.write((client) =>
        replayDeliveries(client, created.id, { since: now, until: later(1) }, later(10)),
      ),
    ).toBe(2);
    const claimed = await database.write((client) =>
      claimDeliveries(client, { owner: "a", limit: 10, leaseMs: 1000, now: later(10) }),
    );
    expect(claimed.map((delivery) => delivery.id).sort()).toEqual(
      (await deliveriesOf(created.id)).map((view) => view.id).sort(),
    );
  });
});
