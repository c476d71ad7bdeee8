import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import { createClaimLoop } from "./claim-loop";

describe("createClaimLoop", () => {
  it("does not lose a notify that arrives while a claim is running", async () => {
    const queue: number[] = [];
    const handled: number[] = [];
    let claims = 0;
    let release: () => void = () => {};
    const loop = createClaimLoop<number>({
      name: "test",
      concurrency: 2,
      // Long enough that only a notify can explain a prompt second claim.
      pollIntervalMs: 60_000,
      logger: pino({ level: "silent" }),
      claim: async (limit) => {
        claims += 1;
        if (claims === 1) {
          // Work arrives (and notifies) while this first claim is still running.
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        }
        return queue.splice(0, limit);
      },
      handle: async (item) => {
        handled.push(item);
      },
    });
    loop.start();
    await vi.waitFor(() => expect(claims).toBe(1));
    queue.push(1);
    loop.notify();
    release();
    for (let wait = 0; wait < 100 && handled.length === 0; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(handled).toEqual([1]);
    await loop.stop();
  });

  it("does not count items stuck on a slow call against the concurrency, up to as many again", async () => {
    const queue = ["a", "b", "c", "d", "e"];
    const releases: (() => void)[] = [];
    let stuck = 0;
    const loop = createClaimLoop<string>({
      name: "test",
      concurrency: 2,
      pollIntervalMs: 60_000,
      logger: pino({ level: "silent" }),
      claim: async (limit) => queue.splice(0, limit),
      handle: () =>
        new Promise<void>((resolve) => {
          releases.push(resolve);
        }),
      stuck: () => stuck,
    });
    // Lets the claim and the start of each handler run; no time passes.
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const first = loop.drain();
    await settle();
    expect(releases).toHaveLength(2);
    // Both slots are held by calls still within their slow-call threshold: nothing more.
    expect(await loop.drain()).toBe(0);
    stuck = 5;
    const second = loop.drain();
    await settle();
    // Stuck items free their slots, but no more than the concurrency of them.
    expect(releases).toHaveLength(4);
    expect(queue).toEqual(["e"]);
    for (const release of releases) {
      release();
    }
    expect(await first).toBe(2);
    expect(await second).toBe(2);
  });

  it("handles what it claims and reports how many on drain", async () => {
    const handled: string[] = [];
    const loop = createClaimLoop<string>({
      name: "test",
      concurrency: 3,
      pollIntervalMs: 60_000,
      logger: pino({ level: "silent" }),
      claim: async (limit) => ["a", "b", "c", "d"].slice(0, limit),
      handle: async (item) => {
        handled.push(item);
      },
    });
    expect(await loop.drain()).toBe(3);
    expect(handled).toEqual(["a", "b", "c"]);
  });
});
