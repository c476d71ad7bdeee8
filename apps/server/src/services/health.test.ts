import { describe, expect, it } from "vitest";
import { createHealthService } from "./health";

describe("health.ready", () => {
  const rows = [
    {
      name: "ready when the database answers, takes a write and the dispatcher runs",
      reads: true,
      writes: true,
      running: true,
      expected: { status: "ready", dispatcher: true, pendingJobs: 3 },
    },
    {
      name: "not ready when the database does not answer",
      reads: false,
      writes: true,
      running: true,
      expected: {
        status: "not_ready",
        dispatcher: true,
        pendingJobs: null,
        reason: "the database does not answer",
      },
    },
    {
      name: "not ready when the database answers reads but refuses writes",
      reads: true,
      writes: false,
      running: true,
      expected: {
        status: "not_ready",
        dispatcher: true,
        pendingJobs: 3,
        reason: "the database does not take writes: attempt to write a readonly database",
      },
    },
    {
      name: "not ready when the dispatch worker is not running",
      reads: true,
      writes: true,
      running: false,
      expected: {
        status: "not_ready",
        dispatcher: false,
        pendingJobs: 3,
        reason: "the dispatch worker is not running",
      },
    },
    {
      name: "names the database first when everything is down",
      reads: false,
      writes: false,
      running: false,
      expected: {
        status: "not_ready",
        dispatcher: false,
        pendingJobs: null,
        reason: "the database does not answer",
      },
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const health = createHealthService({
        store: {
          countPendingJobs: () =>
            row.reads ? Promise.resolve(3) : Promise.reject(new Error("disk I/O error")),
          writeHeartbeat: () =>
            row.writes
              ? Promise.resolve()
              : Promise.reject(new Error("attempt to write a readonly database")),
        },
        dispatcher: { running: row.running },
      });
      // toStrictEqual: a ready answer has no `reason` key at all.
      expect(await health.ready()).toStrictEqual(row.expected);
    });
  }
});

describe("health.live", () => {
  it("answers ok", () => {
    const health = createHealthService({
      store: { countPendingJobs: async () => 0, writeHeartbeat: async () => {} },
      dispatcher: { running: false },
    });
    expect(health.live()).toEqual({ status: "ok" });
  });
});
