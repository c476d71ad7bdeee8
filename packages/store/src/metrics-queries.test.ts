import { plainMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { closeStoresAfterEach } from "./testing";

const track = closeStoresAfterEach();

describe("what /metrics reads from the store", () => {
  it("dispatchQueueStats counts every pending job and finds the one due longest", async () => {
    const store = track();
    const at = (iso: string) => new Date(iso);
    expect(await store.dispatchQueueStats(at("2030-01-01T00:00:00Z"))).toEqual({
      depth: 0,
      oldestDueAt: null,
    });
    for (const runAt of ["2030-01-01T00:05:00Z", "2030-01-01T00:01:00Z", "2030-01-01T01:00:00Z"]) {
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
