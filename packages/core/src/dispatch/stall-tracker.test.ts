import { describe, expect, it } from "vitest";
import { ProviderError } from "../errors/provider-error";
import { breakerSettingsSchema, slowCallThresholdMs } from "./breaker-settings";
import { type ProviderStall, StallTracker } from "./stall-tracker";

/** A call the test ends by hand. */
function pendingCall() {
  let settle: { resolve: (value: string) => void; reject: (error: unknown) => void } | undefined;
  const promise = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  return { call: () => promise, settle: settle! };
}

const deadline = new ProviderError({
  provider: "a",
  outcome: "ambiguous",
  reason: "timeout",
  providerCode: "DEADLINE",
  message: "no answer within 2000 ms",
});
const refused = new ProviderError({
  provider: "a",
  outcome: "retryable",
  reason: "network",
  providerCode: "ECONNREFUSED",
  message: "connection refused",
});

function setup(settings = { slowCallMs: 500, slowCallCount: 2 }) {
  let now = 1_000_000;
  const changes: [string, ProviderStall | null][] = [];
  const tracker = new StallTracker(
    settings,
    () => now,
    (provider, stall) => changes.push([provider, stall]),
  );
  /** Starts a call to `provider` that only ends when the test says so. */
  const start = (provider: string) => {
    const pending = pendingCall();
    const tracked = tracker.track(provider, pending.call).catch((error: unknown) => error);
    return { ...pending.settle, tracked };
  };
  return {
    tracker,
    changes,
    start,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("StallTracker", () => {
  it("is not stalled while fewer calls than the count are past the threshold", () => {
    const { tracker, start, advance } = setup();
    start("a");
    advance(400);
    start("a");
    advance(200);
    // The first call is 600 ms old, the second only 200 ms.
    expect(tracker.stall("a")).toBeNull();
    expect(tracker.inFlight("a")).toBe(2);
    expect(tracker.countSlowCalls()).toBe(1);
  });

  it("is not stalled at exactly the threshold, only past it", () => {
    const { tracker, start, advance } = setup();
    start("a");
    start("a");
    advance(500);
    expect(tracker.stall("a")).toBeNull();
    advance(1);
    expect(tracker.stall("a")).not.toBeNull();
  });

  it("marks the provider stalled once enough calls are stuck, saying how many and for how long", () => {
    const { tracker, changes, start, advance } = setup();
    start("a");
    start("a");
    start("a");
    advance(750);
    const stall = tracker.stall("a");
    expect(stall).toEqual({
      detail: "3 calls in flight, the oldest for 750 ms (slow-call threshold 500 ms)",
      since: new Date(1_000_750),
    });
    expect(tracker.stall("b")).toBeNull();
    expect(changes).toEqual([["a", stall]]);
  });

  it("stays stalled while a stuck call is left, even after the others reach their deadline", async () => {
    const { tracker, changes, start, advance } = setup();
    const first = start("a");
    const second = start("a");
    advance(600);
    expect(tracker.stall("a")).not.toBeNull();
    advance(1400);
    first.reject(deadline);
    await first.tracked;
    expect(tracker.stall("a")?.detail).toBe(
      "1 call in flight, the oldest for 2000 ms (slow-call threshold 500 ms)",
    );
    second.reject(deadline);
    await second.tracked;
    // Nothing in flight: the breaker, which counted both timeouts, decides from here.
    expect(tracker.stall("a")).toBeNull();
    expect(changes.map(([, stall]) => stall !== null)).toEqual([true, false]);
  });

  it("clears the stall as soon as one of its calls answers", async () => {
    const { tracker, changes, start, advance } = setup();
    const first = start("a");
    start("a");
    advance(600);
    expect(tracker.stall("a")).not.toBeNull();
    first.resolve("accepted");
    expect(await first.tracked).toBe("accepted");
    expect(tracker.stall("a")).toBeNull();
    expect(tracker.inFlight("a")).toBe(1);
    expect(changes.map(([provider, stall]) => [provider, stall !== null])).toEqual([
      ["a", true],
      ["a", false],
    ]);
  });

  it("counts an error with an answer (a refused connection) as the provider answering", async () => {
    const { tracker, start, advance } = setup();
    const first = start("a");
    start("a");
    advance(600);
    expect(tracker.stall("a")).not.toBeNull();
    first.reject(refused);
    expect(await first.tracked).toBe(refused);
    expect(tracker.stall("a")).toBeNull();
  });

  it("does not stall again until enough calls are stuck anew", async () => {
    const { tracker, start, advance } = setup();
    const first = start("a");
    start("a");
    advance(600);
    expect(tracker.stall("a")).not.toBeNull();
    first.resolve("accepted");
    await first.tracked;
    advance(1000);
    // One call is still stuck, but one is fewer than the count.
    expect(tracker.stall("a")).toBeNull();
    start("a");
    advance(501);
    expect(tracker.stall("a")).not.toBeNull();
  });

  it("stalls on a single stuck call when the count is one", () => {
    const { tracker, start, advance } = setup({ slowCallMs: 500, slowCallCount: 1 });
    start("a");
    advance(501);
    expect(tracker.stall("a")?.detail).toBe(
      "1 call in flight, the oldest for 501 ms (slow-call threshold 500 ms)",
    );
  });

  it("counts the slow calls of every provider, for the dispatch slots they hold", async () => {
    const { tracker, start, advance } = setup();
    const quick = start("a");
    advance(300);
    start("b");
    start("b");
    expect(tracker.countSlowCalls()).toBe(0);
    advance(300);
    expect(tracker.countSlowCalls()).toBe(1);
    advance(300);
    expect(tracker.countSlowCalls()).toBe(3);
    quick.resolve("accepted");
    await quick.tracked;
    expect(tracker.countSlowCalls()).toBe(2);
  });
});

describe("slowCallThresholdMs", () => {
  it("is a quarter of the attempt deadline, at most 5 s, unless configured", () => {
    const defaults = breakerSettingsSchema.parse({});
    expect(slowCallThresholdMs(defaults, 2000)).toBe(500);
    expect(slowCallThresholdMs(defaults, 15_000)).toBe(3750);
    expect(slowCallThresholdMs(defaults, 60_000)).toBe(5000);
    expect(slowCallThresholdMs({ ...defaults, slowCallMs: 800 }, 2000)).toBe(800);
    expect(defaults.slowCallCount).toBe(2);
  });
});
