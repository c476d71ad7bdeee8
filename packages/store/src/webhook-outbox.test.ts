import { newId } from "@mailroute/core";
import { plainMessage } from "@mailroute/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { SqliteStore } from "./sqlite-store";
import { acceptNow, createTestStore } from "./testing";

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) {
    await store.close();
  }
});

async function acceptOne(store: SqliteStore) {
  await acceptNow(store, plainMessage());
}

async function endpoint(store: SqliteStore, enabled: boolean) {
  return store.createEndpoint({
    id: newId("we"),
    url: "http://127.0.0.1:9/hook",
    description: null,
    eventTypes: null,
    enabled,
    secret: "whsec_x",
    at: new Date(),
  });
}

describe("fanOutEvents", () => {
  it("gives an endpoint only the events stored after it was created", async () => {
    const store = createTestStore();
    stores.push(store);
    await acceptOne(store);
    const created = await endpoint(store, true);
    await acceptOne(store);
    await store.fanOutEvents(100, new Date());
    const page = await store.listDeliveries(created.id, { limit: 10 });
    expect(page.data.map((delivery) => delivery.eventType)).toEqual(["queued"]);
  });

  it("does not deliver to a disabled endpoint the events of its disabled time", async () => {
    const store = createTestStore();
    stores.push(store);
    const created = await endpoint(store, false);
    await acceptOne(store);
    expect(await store.fanOutEvents(100, new Date())).toBe(1);
    await store.updateEndpoint(created.id, { enabled: true }, new Date());
    await acceptOne(store);
    await store.fanOutEvents(100, new Date());
    expect((await store.listDeliveries(created.id, { limit: 10 })).data).toHaveLength(1);
  });

  it("does nothing while no endpoint exists", async () => {
    const store = createTestStore();
    stores.push(store);
    await acceptOne(store);
    expect(await store.fanOutEvents(100, new Date())).toBe(0);
  });
});
