import { plainMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import type { FreshStore } from "./contract-store";

/** Kept settings, the heartbeat and what /metrics reads. */
export function settingsContract(fresh: FreshStore): void {
  describe("kept settings", () => {
    it("keep the first value under a key, apart from the routes", async () => {
      const store = await fresh();
      const at = new Date("2026-11-22T10:00:00Z");
      expect(await store.keepSetting("unsubscribe_secret", "one", at)).toBe("one");
      expect(await store.keepSetting("unsubscribe_secret", "two", at)).toBe("one");
      expect(await store.keepSetting("other", "two", at)).toBe("two");
      // The routes live in the same table under their own key and are not touched.
      expect(await store.loadRoutes()).toBeNull();
    });
  });

  describe("writeHeartbeat", () => {
    it("takes one write after another, touching nothing a reader sees", async () => {
      const store = await fresh();
      await expect(store.writeHeartbeat(new Date(1_000))).resolves.toBeUndefined();
      await expect(store.writeHeartbeat(new Date(2_000))).resolves.toBeUndefined();
      expect(await store.loadRoutes()).toBeNull();
      expect(await store.countPendingJobs()).toBe(0);
    });
  });

  describe("what /metrics reads from the store", () => {
    it("dispatchQueueStats counts every pending job and finds the one due longest", async () => {
      const store = await fresh();
      const at = (iso: string) => new Date(iso);
      expect(await store.dispatchQueueStats(at("2030-01-01T00:00:00Z"))).toEqual({
        depth: 0,
        oldestDueAt: null,
      });
      for (const runAt of [
        "2030-01-01T00:05:00Z",
        "2030-01-01T00:01:00Z",
        "2030-01-01T01:00:00Z",
      ]) {
        await store.acceptMessage({
          message: plainMessage(),
          acceptedAt: at("2030-01-01T00:00:00Z"),
          runAt: at(runAt),
          response: { status: 202, body: {} },
        });
      }
      // Before any is due: three waiting, none overdue.
      expect(await store.dispatchQueueStats(at("2030-01-01T00:00:30Z"))).toEqual({
        depth: 3,
        oldestDueAt: null,
      });
      // The scheduled one (01:00) is not due yet and never counts as oldest before its time.
      expect(await store.dispatchQueueStats(at("2030-01-01T00:10:00Z"))).toEqual({
        depth: 3,
        oldestDueAt: at("2030-01-01T00:01:00Z"),
      });
    });
  });
}
