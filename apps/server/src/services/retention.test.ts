import {
  type PurgeExpiredInput,
  type PurgeExpiredResult,
  retentionSettingsSchema,
} from "@mailroute/core";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createRetentionWorker } from "./retention";

const day = 86_400_000;
const now = Date.parse("2026-06-30T12:00:00.000Z");

/** A store whose purge batches answer `results` in turn (then nothing), recording each call. */
function fakeStore(results: (PurgeExpiredResult | Error)[]) {
  const calls: PurgeExpiredInput[] = [];
  return {
    calls,
    async purgeExpired(input: PurgeExpiredInput) {
      calls.push(input);
      const next = results.shift() ?? { content: 0, raw: 0, records: 0 };
      if (next instanceof Error) {
        throw next;
      }
      return next;
    },
  };
}

function worker(store: ReturnType<typeof fakeStore>, settings = {}) {
  const purged: PurgeExpiredResult[] = [];
  const sleeps: number[] = [];
  const retention = createRetentionWorker({
    store,
    settings: retentionSettingsSchema.parse({ batchSize: 10, ...settings }),
    logger: pino({ level: "silent" }),
    metrics: { retentionPurged: (result) => purged.push(result) },
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { retention, purged, sleeps };
}

describe("retention worker", () => {
  it("runs batches with the policy's cutoffs until one does not fill its budget", async () => {
    const store = fakeStore([
      { content: 10, raw: 0, records: 0 },
      { content: 4, raw: 6, records: 0 },
      { content: 0, raw: 1, records: 3 },
    ]);
    const { retention, purged, sleeps } = worker(store);
    expect(await retention.runOnce()).toEqual({ content: 14, raw: 7, records: 3, batches: 3 });
    expect(store.calls).toHaveLength(3);
    expect(store.calls[0]).toEqual({
      contentBefore: new Date(now - 30 * day),
      rawBefore: new Date(now - 7 * day),
      recordsBefore: new Date(now - 90 * day),
      limit: 10,
      now: new Date(now),
    });
    // Every batch is counted; it paused after each full batch, not after the last.
    expect(purged).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it("passes a part kept for good as no cutoff", async () => {
    const store = fakeStore([]);
    const { retention } = worker(store, { content: "never", records: "never" });
    await retention.runOnce();
    expect(store.calls[0]).toMatchObject({
      contentBefore: null,
      rawBefore: new Date(now - 7 * day),
      recordsBefore: null,
    });
  });

  it("stops a run at a failing batch and keeps what it purged before", async () => {
    const refused = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    const store = fakeStore([{ content: 10, raw: 0, records: 0 }, refused]);
    const { retention } = worker(store);
    const run = await retention.runOnce();
    expect(run).toMatchObject({ content: 10, batches: 1, error: refused });
    // The next run starts over.
    expect(await retention.runOnce()).toEqual({ content: 0, raw: 0, records: 0, batches: 1 });
  });

  it("sleeps the configured interval between runs, and stops", async () => {
    const store = fakeStore([]);
    const sleeps: number[] = [];
    let wake: (() => void) | null = null;
    const retention = createRetentionWorker({
      store,
      settings: retentionSettingsSchema.parse({ interval: "10m" }),
      logger: pino({ level: "silent" }),
      metrics: { retentionPurged: () => undefined },
      clock: () => now,
      sleep: (ms, signal) =>
        new Promise((resolve) => {
          sleeps.push(ms);
          wake = resolve;
          signal.addEventListener("abort", () => resolve(), { once: true });
        }),
    });
    retention.start();
    await expect.poll(() => sleeps.length).toBe(1);
    expect(sleeps).toEqual([600_000]);
    expect(store.calls).toHaveLength(1);
    (wake as (() => void) | null)?.();
    await expect.poll(() => store.calls.length).toBe(2);
    expect(retention.running).toBe(true);
    await retention.stop();
    expect(retention.running).toBe(false);
    expect(store.calls).toHaveLength(2);
  });
});
