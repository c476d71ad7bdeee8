import { afterEach, describe, expect, it } from "vitest";
import { createFakeProvider, type FakeProvider } from "../testing/fake-provider";
import { plainMessage } from "../testing/plain-message";
import { breakerSettingsSchema } from "./breaker-settings";
import { computeBackoff } from "./compute-backoff";
import { ProviderBreakers } from "./provider-breakers";
import { type AttemptResult, type RunPlanInput, runPlan } from "./run-plan";

const message = plainMessage({ id: "msg_1", to: [{ email: "u@example.com" }] });

const breakerSets: ProviderBreakers[] = [];

function setup(
  names: string[],
  overrides: Partial<RunPlanInput> = {},
  options: { clock?: () => number; breaker?: Record<string, unknown> } = {},
) {
  const providers = new Map<string, FakeProvider>(
    names.map((name) => [name, createFakeProvider(name)]),
  );
  const breakers = new ProviderBreakers(
    names,
    breakerSettingsSchema.parse({ volumeThreshold: 3, resetTimeoutMs: 60_000, ...options.breaker }),
    { attemptTimeoutMs: overrides.attemptTimeoutMs ?? 1000, clock: options.clock },
  );
  breakerSets.push(breakers);
  const log: { event: string; provider?: string; result?: AttemptResult }[] = [];
  let count = 0;
  const input: RunPlanInput = {
    message,
    plan: names,
    providers,
    breakers,
    onAmbiguous: "failover",
    attemptTimeoutMs: 1000,
    recorder: {
      async start(provider) {
        count += 1;
        log.push({ event: "start", provider });
        return `att_${count}`;
      },
      async finish(_id, result) {
        log.push({ event: "finish", result });
      },
    },
    ...overrides,
  };
  return { providers, breakers, log, input, get: (name: string) => providers.get(name)! };
}

afterEach(() => {
  for (const breakers of breakerSets.splice(0)) {
    breakers.shutdown();
  }
});

describe("runPlan", () => {
  it("sends through the first provider and records the attempt before and after", async () => {
    const { input, log, get } = setup(["a", "b"]);
    const result = await runPlan(input);
    expect(result).toMatchObject({
      kind: "sent",
      provider: "a",
      providerMessageId: "a-1",
      possibleDuplicate: false,
    });
    expect(get("b").calls).toHaveLength(0);
    expect(log.map((entry) => entry.event)).toEqual(["start", "finish"]);
    expect(log[1]?.result?.outcome).toBe("accepted");
  });

  it("falls back to the next provider when the first fails with a retryable error", async () => {
    const { input, get, log } = setup(["a", "b"]);
    get("a").script({
      outcome: "retryable",
      reason: "network",
      message: "refused",
      providerCode: "ECONNREFUSED",
    });
    const result = await runPlan(input);
    expect(result).toMatchObject({ kind: "sent", provider: "b", possibleDuplicate: false });
    expect(
      log.filter((entry) => entry.event === "finish").map((entry) => entry.result?.outcome),
    ).toEqual(["retryable", "accepted"]);
    expect(log[1]?.result?.error).toMatchObject({
      class: "retryable",
      reason: "network",
      code: "ECONNREFUSED",
    });
  });

  it("stops at a permanent error without trying other providers", async () => {
    const { input, get } = setup(["a", "b"]);
    get("a").script({
      outcome: "permanent",
      reason: "invalid_request",
      message: "bad address",
      statusCode: 400,
    });
    const result = await runPlan(input);
    expect(result.kind).toBe("failed");
    expect(get("b").calls).toHaveLength(0);
  });

  it("fails over after an ambiguous error and flags a possible duplicate", async () => {
    const { input, get } = setup(["a", "b"]);
    get("a").script({
      outcome: "ambiguous",
      reason: "network",
      message: "reset",
      providerCode: "ECONNRESET",
    });
    const result = await runPlan(input);
    expect(result).toMatchObject({ kind: "sent", provider: "b", possibleDuplicate: true });
  });

  it("stops after an ambiguous error when the policy is fail", async () => {
    const { input, get } = setup(["a", "b"], { onAmbiguous: "fail" });
    get("a").script({ outcome: "ambiguous", reason: "network", message: "reset" });
    const result = await runPlan(input);
    expect(result).toMatchObject({ kind: "failed", possibleDuplicate: true });
    expect(get("b").calls).toHaveLength(0);
  });

  it("asks for a retry when every provider is unavailable, honouring the shortest Retry-After", async () => {
    const { input, get } = setup(["a", "b"]);
    get("a").script({
      outcome: "retryable",
      reason: "rate_limited",
      message: "slow down",
      retryAfterMs: 30_000,
    });
    get("b").script({
      outcome: "retryable",
      reason: "rate_limited",
      message: "slow down",
      retryAfterMs: 5_000,
    });
    const result = await runPlan(input);
    expect(result).toMatchObject({ kind: "retry", retryAfterMs: 5_000 });
  });

  it("abandons a hanging provider at the deadline as ambiguous and moves on", async () => {
    const { input, get } = setup(["a", "b"], { attemptTimeoutMs: 50 });
    get("a").script("hang");
    const result = await runPlan(input);
    expect(result).toMatchObject({ kind: "sent", provider: "b", possibleDuplicate: true });
  });

  it("skips a provider whose breaker is open, without an attempt", async () => {
    const { input, get, log } = setup(["a", "b"]);
    get("a").fallback = { outcome: "retryable", reason: "provider_unavailable", message: "503" };
    for (let index = 0; index < 3; index += 1) {
      await runPlan({ ...input, plan: ["a"] });
    }
    expect(input.breakers.state("a")).toBe("open");
    log.length = 0;
    const result = await runPlan(input);
    expect(result).toMatchObject({
      kind: "sent",
      provider: "b",
      skipped: [{ provider: "a", reason: "breaker_open" }],
    });
    expect(log.filter((entry) => entry.event === "start").map((entry) => entry.provider)).toEqual([
      "b",
    ]);
  });

  it("skips a stalled provider without an attempt, and tries it again once one of its calls answers", async () => {
    let now = 0;
    const { input, get, log } = setup(
      ["a", "b"],
      { attemptTimeoutMs: 60_000 },
      { clock: () => now, breaker: { slowCallMs: 500 } },
    );
    get("a").script("hold", "hold");
    const stuck = [runPlan(input), runPlan(input)];
    await get("a").waitForCalls(2);
    now = 501;
    log.length = 0;
    const during = await runPlan(input);
    expect(during).toMatchObject({
      kind: "sent",
      provider: "b",
      possibleDuplicate: false,
      skipped: [
        {
          provider: "a",
          reason: "stalled",
          detail: "2 calls in flight, the oldest for 501 ms (slow-call threshold 500 ms)",
        },
      ],
    });
    expect(log.filter((entry) => entry.event === "start").map((entry) => entry.provider)).toEqual([
      "b",
    ]);
    expect(get("a").calls).toHaveLength(2);
    // The stuck calls keep their deadline; one answering ends the stall.
    get("a").release();
    expect(await Promise.all(stuck)).toMatchObject([
      { kind: "sent", provider: "a" },
      { kind: "sent", provider: "a" },
    ]);
    expect(input.breakers.stall("a")).toBeNull();
    expect(await runPlan(input)).toMatchObject({ kind: "sent", provider: "a", skipped: [] });
  });

  it("force-opens the breaker of an account that answers with an authentication error", async () => {
    const { input, get } = setup(["a", "b"]);
    get("a").script({
      outcome: "retryable",
      reason: "authentication",
      message: "401 bad key",
      statusCode: 401,
    });
    const result = await runPlan(input);
    expect(result).toMatchObject({ kind: "sent", provider: "b" });
    expect(input.breakers.state("a")).toBe("open");
    expect(input.breakers.misconfiguration("a")).toMatchObject({ reason: "401 bad key" });
  });

  it("with retryThenHold, stops at an ambiguous try and pins the provider for the next round", async () => {
    const { input, get } = setup(["a", "b"], { onAmbiguous: "retryThenHold" });
    get("a").script({ outcome: "ambiguous", reason: "timeout", message: "no answer" });
    const result = await runPlan(input);
    expect(result).toMatchObject({ kind: "retry", pin: "a", possibleDuplicate: true });
    expect(get("b").calls).toHaveLength(0);
  });

  it("skips a provider its admission refuses, keeping the shortest wait", async () => {
    const accepted: string[] = [];
    const { input, get, log } = setup(["a", "b"], {
      admit: (provider) =>
        provider === "a"
          ? { provider, reason: "rate_limited", detail: "1/s", retryAfterMs: 400 }
          : null,
      onAccepted: (provider) => accepted.push(provider),
    });
    const result = await runPlan(input);
    expect(result).toMatchObject({
      kind: "sent",
      provider: "b",
      skipped: [{ provider: "a", reason: "rate_limited" }],
    });
    expect(get("a").calls).toHaveLength(0);
    expect(log.filter((entry) => entry.event === "start")).toHaveLength(1);
    expect(accepted).toEqual(["b"]);
    const blocked = await runPlan({ ...input, plan: ["a"] });
    expect(blocked).toMatchObject({ kind: "retry", retryAfterMs: 400 });
  });

  it("waits for an admission that asks counts shared with other instances", async () => {
    const asked: string[] = [];
    const { input, get } = setup(["a", "b"], {
      admit: async (provider) => {
        asked.push(provider);
        return provider === "a"
          ? { provider, reason: "quota_exhausted", detail: "daily quota of 5 reached" }
          : null;
      },
    });
    const result = await runPlan(input);
    expect(result).toMatchObject({
      kind: "sent",
      provider: "b",
      skipped: [{ provider: "a", reason: "quota_exhausted", detail: "daily quota of 5 reached" }],
    });
    expect(asked).toEqual(["a", "b"]);
    expect(get("a").calls).toHaveLength(0);
  });

  it("does not ask the admission for a provider whose breaker is open", async () => {
    const asked: string[] = [];
    const { input, breakers } = setup(["a", "b"], {
      admit: (provider) => {
        asked.push(provider);
        return null;
      },
    });
    breakers.trip("a", "401 bad key");
    const result = await runPlan(input);
    expect(result).toMatchObject({ kind: "sent", provider: "b" });
    expect(asked).toEqual(["b"]);
  });

  it("treats a thrown non-provider error as ambiguous", async () => {
    const { input, get } = setup(["a"]);
    get("a").send = async () => {
      throw new TypeError("adapter bug");
    };
    const result = await runPlan(input);
    expect(result).toMatchObject({
      kind: "retry",
      possibleDuplicate: true,
      lastError: { outcome: "ambiguous" },
    });
  });
});

describe("ProviderBreakers", () => {
  it("does not count permanent errors or rate limits as provider failures", async () => {
    const { input, get } = setup(["a"]);
    get("a").fallback = { outcome: "permanent", reason: "invalid_request", message: "bad" };
    for (let index = 0; index < 5; index += 1) {
      await runPlan(input);
    }
    get("a").fallback = { outcome: "retryable", reason: "rate_limited", message: "429" };
    for (let index = 0; index < 5; index += 1) {
      await runPlan(input);
    }
    expect(input.breakers.state("a")).toBe("closed");
  });

  it("reports transitions", async () => {
    const transitions: string[] = [];
    const breakers = new ProviderBreakers(
      ["a"],
      breakerSettingsSchema.parse({ volumeThreshold: 1 }),
      {
        attemptTimeoutMs: 1000,
        onTransition: (transition) => transitions.push(`${transition.from}->${transition.to}`),
      },
    );
    breakerSets.push(breakers);
    await breakers.fire("a", () => Promise.reject(new Error("down"))).catch(() => {});
    expect(transitions).toEqual(["closed->open"]);
  });
});

describe("computeBackoff", () => {
  const policy = { initialDelayMs: 1000, maxDelayMs: 60_000 };

  it("grows exponentially with jitter between half and the full delay", () => {
    expect(computeBackoff(1, policy, { random: () => 0 })).toBe(500);
    expect(computeBackoff(1, policy, { random: () => 1 })).toBe(1000);
    expect(computeBackoff(4, policy, { random: () => 1 })).toBe(8000);
  });

  it("is capped and never shorter than Retry-After", () => {
    expect(computeBackoff(30, policy, { random: () => 1 })).toBe(60_000);
    expect(computeBackoff(1, policy, { random: () => 0, retryAfterMs: 45_000 })).toBe(45_000);
  });
});
