import { describe, expect, it } from "vitest";
import { ProviderError } from "../errors/provider-error";
import { breakerSettingsSchema } from "./breaker-settings";
import { ProviderBreakers } from "./provider-breakers";
import type {
  ProviderSignal,
  ProviderSignalListener,
  ProviderSignals,
} from "./provider-coordination";

/**
 * Instances in one process joined as a database would join them: what one publishes reaches
 * every other one's listeners, never its own.
 */
function createSignalHub() {
  const listeners = new Map<string, Set<ProviderSignalListener>>();
  const published: { origin: string; signal: ProviderSignal }[] = [];
  const deliver = (origin: string, signal: ProviderSignal) => {
    published.push({ origin, signal });
    for (const [instance, set] of listeners) {
      if (instance !== origin) {
        for (const listener of set) {
          listener(signal, origin);
        }
      }
    }
  };
  return {
    published,
    /** Publishes as an instance the test has no breakers for. */
    publishAs: deliver,
    signalsOf(instance: string): ProviderSignals {
      return {
        publish: (signal) => deliver(instance, signal),
        subscribe(listener) {
          const set = listeners.get(instance) ?? new Set();
          set.add(listener);
          listeners.set(instance, set);
          return () => set.delete(listener);
        },
      };
    },
  };
}

const settings = breakerSettingsSchema.parse({
  volumeThreshold: 2,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 20_000,
  slowCallMs: 500,
  slowCallCount: 1,
});

const refused = new ProviderError({
  provider: "a",
  outcome: "retryable",
  reason: "network",
  providerCode: "ECONNREFUSED",
  message: "connection refused",
});

function setup() {
  let now = 1_000_000;
  const hub = createSignalHub();
  const clock = () => now;
  const make = (instance: string) =>
    new ProviderBreakers(["sendgrid", "mailgun"], settings, {
      attemptTimeoutMs: 2000,
      clock,
      signals: hub.signalsOf(instance),
    });
  const instances = { a: make("a"), b: make("b") };
  return {
    hub,
    ...instances,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
    stop: () => {
      instances.a.shutdown();
      instances.b.shutdown();
    },
  };
}

async function failTwice(breakers: ProviderBreakers, provider: string) {
  for (let index = 0; index < 2; index++) {
    await expect(breakers.fire(provider, () => Promise.reject(refused))).rejects.toBe(refused);
  }
}

describe("ProviderBreakers shared between instances", () => {
  it("opens the breaker on the other instance when failures open it on one, with the reason", async () => {
    const { a, b, hub, now, stop } = setup();
    await failTwice(a, "sendgrid");
    expect(a.state("sendgrid")).toBe("open");
    expect(b.state("sendgrid")).toBe("open");
    expect(b.state("mailgun")).toBe("closed");
    expect(b.transitions("sendgrid")).toEqual([
      expect.objectContaining({
        from: "closed",
        to: "open",
        reason: "2 of 2 calls failed within 10 s (on a)",
      }),
    ]);
    expect(hub.published).toEqual([
      {
        origin: "a",
        signal: {
          kind: "breaker",
          provider: "sendgrid",
          state: "open",
          reason: "2 of 2 calls failed within 10 s",
          misconfigured: false,
          at: now(),
          until: now() + 20_000,
        },
      },
    ]);
    // Applying another instance's change is not a change of its own to tell.
    expect(hub.published.filter((entry) => entry.origin === "b")).toEqual([]);
    stop();
  });

  it("shares a misconfiguration trip, also when the breaker was already open", async () => {
    const { a, b, stop } = setup();
    a.trip("mailgun", "401 Forbidden", new Date(5_000));
    expect(b.isOpen("mailgun")).toBe(true);
    expect(b.misconfiguration("mailgun")).toEqual({
      reason: "401 Forbidden",
      since: new Date(1_000_000).toISOString(),
    });
    await failTwice(a, "sendgrid");
    a.trip("sendgrid", "sender not verified");
    expect(b.misconfiguration("sendgrid")?.reason).toBe("sender not verified");
    stop();
  });

  it("closes its own breaker when another instance's closes", async () => {
    const { a, hub, now, stop } = setup();
    await failTwice(a, "sendgrid");
    hub.publishAs("c", {
      kind: "breaker",
      provider: "sendgrid",
      state: "closed",
      reason: "a probe call succeeded",
      misconfigured: false,
      at: now(),
      until: null,
    });
    expect(a.state("sendgrid")).toBe("closed");
    expect(a.transitions("sendgrid").at(-1)).toMatchObject({
      from: "open",
      to: "closed",
      reason: "a probe call succeeded (on c)",
    });
    stop();
  });

  it("ignores an opening whose reset timeout has already passed", () => {
    const { a, hub, now, stop } = setup();
    hub.publishAs("c", {
      kind: "breaker",
      provider: "sendgrid",
      state: "open",
      reason: "10 of 10 calls failed within 10 s",
      misconfigured: false,
      at: now() - 30_000,
      until: now() - 10_000,
    });
    expect(a.state("sendgrid")).toBe("closed");
    stop();
  });

  it("skips a provider another instance found stalled, until that instance clears the mark", async () => {
    const { a, b, hub, advance, stop } = setup();
    let answer: (value: string) => void = () => {};
    const call = a.fire(
      "sendgrid",
      () =>
        new Promise<string>((resolve) => {
          answer = resolve;
        }),
    );
    advance(600);
    expect(b.stall("sendgrid")).toBeNull();
    // A finds the stall when it next asks, and tells the others.
    expect(a.stall("sendgrid")?.detail).toMatch(/^1 call in flight/);
    expect(b.stall("sendgrid")).toEqual({
      detail: "1 call in flight, the oldest for 600 ms (slow-call threshold 500 ms) (on a)",
      since: new Date(1_000_600),
    });
    expect(b.inFlight("sendgrid")).toBe(0);
    answer("accepted");
    await call;
    expect(a.stall("sendgrid")).toBeNull();
    expect(b.stall("sendgrid")).toBeNull();
    expect(hub.published.map((entry) => entry.signal.kind)).toEqual(["stall", "stall"]);
    stop();
  });

  it("forgets a stall mark once its bound passes, so a dead instance leaves none behind", () => {
    const { b, hub, now, advance, stop } = setup();
    hub.publishAs("c", {
      kind: "stall",
      provider: "mailgun",
      stall: { detail: "2 calls in flight", since: now(), until: now() + 2000 },
      at: now(),
    });
    expect(b.stall("mailgun")?.detail).toBe("2 calls in flight (on c)");
    advance(2000);
    expect(b.stall("mailgun")).toBeNull();
    stop();
  });

  it("hears nothing once shut down", async () => {
    const { a, b, stop } = setup();
    b.shutdown();
    await failTwice(a, "sendgrid");
    expect(b.transitions("sendgrid")).toEqual([]);
    stop();
  });
});

describe("ProviderBreakers on their own", () => {
  it("records why each transition happened", async () => {
    const breakers = new ProviderBreakers(["sendgrid"], settings, { attemptTimeoutMs: 2000 });
    await failTwice(breakers, "sendgrid");
    breakers.trip("sendgrid", "401 Forbidden");
    expect(breakers.transitions("sendgrid")).toEqual([
      expect.objectContaining({ to: "open", reason: "2 of 2 calls failed within 10 s" }),
    ]);
    expect(breakers.misconfiguration("sendgrid")?.reason).toBe("401 Forbidden");
    breakers.shutdown();
  });
});
