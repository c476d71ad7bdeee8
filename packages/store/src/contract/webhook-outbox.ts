import { newId } from "@mailroute/core";
import { plainMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { acceptNow } from "../testing";
import type { ContractStore, FreshStore } from "./contract-store";

async function acceptOne(store: ContractStore) {
  await acceptNow(store, plainMessage());
}

async function endpoint(store: ContractStore, enabled: boolean) {
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

/** The outbound fan-out, its deliveries and the backlog. */
export function webhookOutboxContract(fresh: FreshStore): void {
  describe("fanOutEvents", () => {
    it("gives an endpoint only the events stored after it was created", async () => {
      const store = await fresh();
      await acceptOne(store);
      const created = await endpoint(store, true);
      await acceptOne(store);
      await store.fanOutEvents(100, new Date());
      const page = await store.listDeliveries(created.id, { limit: 10 });
      expect(page.data.map((delivery) => delivery.eventType)).toEqual(["queued"]);
    });

    it("does not deliver to a disabled endpoint the events of its disabled time", async () => {
      const store = await fresh();
      const created = await endpoint(store, false);
      await acceptOne(store);
      expect(await store.fanOutEvents(100, new Date())).toBe(1);
      await store.updateEndpoint(created.id, { enabled: true }, new Date());
      await acceptOne(store);
      await store.fanOutEvents(100, new Date());
      expect((await store.listDeliveries(created.id, { limit: 10 })).data).toHaveLength(1);
    });

    it("does nothing while no endpoint exists", async () => {
      const store = await fresh();
      await acceptOne(store);
      expect(await store.fanOutEvents(100, new Date())).toBe(0);
    });
  });

  describe("countPendingDeliveries (the outbound backlog /metrics shows)", () => {
    it("countPendingDeliveries counts the outbox's deliveries still to be made", async () => {
      const store = await fresh();
      const now = new Date();
      const created = await endpoint(store, true);
      expect(await store.countPendingDeliveries()).toBe(0);
      await acceptOne(store);
      await acceptOne(store);
      expect(await store.fanOutEvents(100, now)).toBe(2);
      expect(await store.countPendingDeliveries()).toBe(2);
      const [claimed] = await store.claimDeliveries({ owner: "o", limit: 1, leaseMs: 1000, now });
      await store.recordDeliveryAttempt({
        deliveryId: claimed?.id ?? "",
        endpointId: created.id,
        at: now,
        status: 200,
        durationMs: 3,
        responseExcerpt: "",
        error: null,
        outcome: "delivered",
      });
      expect(await store.countPendingDeliveries()).toBe(1);
    });
  });
}
