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
        reason: "the database does not answer: disk I/O error",
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
        reason: "the database does not answer: disk I/O error",
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

describe("health.ready on a database that never answers", () => {
  it("is not ready with the reason instead of waiting for it", async () => {
    const never = () => new Promise<never>(() => {});
    const health = createHealthService({
      store: { countPendingJobs: never, writeHeartbeat: never },
      dispatcher: { running: true },
      timeoutMs: 5,
    });
    expect(await health.ready()).toStrictEqual({
      status: "not_ready",
      dispatcher: true,
      pendingJobs: null,
      reason: "the database does not answer: no answer within 5 ms",
    });
  });

  it("names a write that never answers when reads do", async () => {
    const health = createHealthService({
      store: { countPendingJobs: async () => 0, writeHeartbeat: () => new Promise(() => {}) },
      dispatcher: { running: true },
      timeoutMs: 5,
    });
    expect(await health.ready()).toMatchObject({
      status: "not_ready",
      pendingJobs: 0,
      reason: "the database does not take writes: no answer within 5 ms",
    });
  });
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
