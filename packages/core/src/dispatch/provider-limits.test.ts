import { describe, expect, it } from "vitest";
import type {
  SharedAdmission,
  SharedAdmissionRequest,
  SharedCounts,
} from "./provider-coordination";
import { ProviderLimiter } from "./provider-limits";

describe("ProviderLimiter", () => {
  it("lets a burst through, then refills at the configured rate", () => {
    let now = Date.UTC(2026, 10, 22, 12);
    const limiter = new ProviderLimiter(
      new Map([["a", { ratePerSecond: 2, burst: 2 }]]),
      () => now,
    );
    limiter.take("a");
    limiter.take("a");
    expect(limiter.check("a")).toMatchObject({ reason: "rate_limited", retryAfterMs: 500 });
    now += 500;
    expect(limiter.check("a")).toBeNull();
  });

  it("skips a provider past its daily quota until midnight UTC", () => {
    let now = Date.UTC(2026, 10, 22, 23, 0);
    const limiter = new ProviderLimiter(new Map([["a", { dailyQuota: 2 }]]), () => now);
    limiter.seedDailyCount("a", 1);
    expect(limiter.check("a")).toBeNull();
    limiter.recordAccepted("a");
    expect(limiter.check("a")).toMatchObject({
      reason: "quota_exhausted",
      retryAfterMs: 3_600_000,
    });
    now += 3_600_000;
    expect(limiter.check("a")).toBeNull();
  });

  it("never limits a provider without limits", () => {
    const limiter = new ProviderLimiter(new Map());
    limiter.take("x");
    expect(limiter.check("x")).toBeNull();
  });
});

/**
 * Counts shared by the limiters of several instances, kept here in memory with the arithmetic a
 * database row would do: one bucket per provider, one count per provider and day.
 */
function createSharedCounts(): SharedCounts & { calls: number } {
  const buckets = new Map<string, { tokens: number; updatedAt: number }>();
  const days = new Map<string, number>();
  const shared = {
    calls: 0,
    admit(request: SharedAdmissionRequest): Promise<SharedAdmission> {
      shared.calls += 1;
      const dailyCount = days.get(`${request.provider}/${request.day}`) ?? 0;
      const { bucket } = request;
      if (!bucket) {
        return Promise.resolve({ dailyCount, taken: true, tokens: null });
      }
      const stored = buckets.get(request.provider) ?? {
        tokens: bucket.burst,
        updatedAt: request.now,
      };
      const tokens = Math.min(
        bucket.burst,
        stored.tokens + ((request.now - stored.updatedAt) / 1000) * bucket.ratePerSecond,
      );
      if ((request.dailyQuota !== undefined && dailyCount >= request.dailyQuota) || tokens < 1) {
        return Promise.resolve({ dailyCount, taken: false, tokens: stored.tokens });
      }
      buckets.set(request.provider, { tokens: tokens - 1, updatedAt: request.now });
      return Promise.resolve({ dailyCount, taken: true, tokens: tokens - 1 });
    },
    peek(request: SharedAdmissionRequest): Promise<SharedAdmission> {
      const dailyCount = days.get(`${request.provider}/${request.day}`) ?? 0;
      const stored = buckets.get(request.provider);
      const { bucket } = request;
      const tokens =
        bucket && stored
          ? Math.min(
              bucket.burst,
              stored.tokens + ((request.now - stored.updatedAt) / 1000) * bucket.ratePerSecond,
            )
          : (bucket?.burst ?? null);
      return Promise.resolve({ dailyCount, taken: false, tokens });
    },
    countAccepted(provider: string, day: number): Promise<number> {
      const total = (days.get(`${provider}/${day}`) ?? 0) + 1;
      days.set(`${provider}/${day}`, total);
      return Promise.resolve(total);
    },
    seedDailyCount(provider: string, day: number, count: number): Promise<number> {
      const total = Math.max(days.get(`${provider}/${day}`) ?? 0, count);
      days.set(`${provider}/${day}`, total);
      return Promise.resolve(total);
    },
  };
  return shared;
}

describe("ProviderLimiter with counts shared by instances", () => {
  const day = Date.UTC(2026, 10, 22);

  it("takes every instance's tries from one bucket", async () => {
    let now = day + 12 * 3_600_000;
    const counts = createSharedCounts();
    const limits = new Map([["a", { ratePerSecond: 2, burst: 2 }]]);
    const first = new ProviderLimiter(limits, () => now, { counts });
    const second = new ProviderLimiter(limits, () => now, { counts });
    expect(await first.admit("a")).toBeNull();
    expect(await second.admit("a")).toBeNull();
    expect(await first.admit("a")).toEqual({
      reason: "rate_limited",
      detail: "rate limit of 2/s",
      retryAfterMs: 500,
    });
    // What the last admission heard is what `check` answers from.
    expect(first.check("a")).toMatchObject({ reason: "rate_limited" });
    now += 500;
    // The second has not heard of the first's refusal, but reading the shared counts shows it.
    expect(await second.inspect("a")).toBeNull();
    expect(await second.admit("a")).toBeNull();
    expect(await first.admit("a")).toMatchObject({ reason: "rate_limited" });
    // A third instance has admitted nothing yet: only the shared counts know the bucket is empty.
    const third = new ProviderLimiter(limits, () => now, { counts });
    expect(third.check("a")).toBeNull();
    expect(await third.inspect("a")).toMatchObject({ reason: "rate_limited", retryAfterMs: 500 });
    expect(third.check("a")).toMatchObject({ reason: "rate_limited" });
    expect(counts.calls).toBe(5);
  });

  it("counts every instance's acceptances against one daily quota", async () => {
    let now = day + 23 * 3_600_000;
    const counts = createSharedCounts();
    const limits = new Map([["a", { dailyQuota: 3 }]]);
    const first = new ProviderLimiter(limits, () => now, { counts });
    const second = new ProviderLimiter(limits, () => now, { counts });
    await first.seedDailyCount("a", 1);
    // A smaller tally from a later start-up does not lower the shared count.
    await second.seedDailyCount("a", 0);
    expect(await second.admit("a")).toBeNull();
    await second.recordAccepted("a");
    expect(await first.admit("a")).toBeNull();
    await first.recordAccepted("a");
    expect(await second.admit("a")).toEqual({
      reason: "quota_exhausted",
      detail: "daily quota of 3 reached",
      retryAfterMs: 3_600_000,
    });
    expect(second.check("a")).toMatchObject({ reason: "quota_exhausted" });
    expect(await first.inspect("a")).toMatchObject({ reason: "quota_exhausted" });
    now += 3_600_000;
    expect(await second.admit("a")).toBeNull();
  });

  it("reports a count it could not share, and keeps counting here", async () => {
    const errors: unknown[] = [];
    const failure = new Error("connection terminated");
    const counts = { ...createSharedCounts(), countAccepted: () => Promise.reject(failure) };
    const limiter = new ProviderLimiter(new Map([["a", { dailyQuota: 1 }]]), () => day, {
      counts,
      onError: (error) => errors.push(error),
    });
    await limiter.recordAccepted("a");
    expect(errors).toEqual([failure]);
    expect(limiter.check("a")).toMatchObject({ reason: "quota_exhausted" });
  });

  it("answers at once, without a promise, when the process counts alone", () => {
    const limiter = new ProviderLimiter(
      new Map([["a", { ratePerSecond: 1, burst: 1 }]]),
      () => day,
    );
    expect(limiter.admit("a")).toBeNull();
    expect(limiter.admit("a")).toEqual({
      reason: "rate_limited",
      detail: "rate limit of 1/s",
      retryAfterMs: 1000,
    });
  });
});

describe("ProviderLimiter with shared counts not yet written", () => {
  it("counts its own acceptance before the shared count has it", async () => {
    const counts = {
      ...createSharedCounts(),
      // The write is still on its way when the next admission asks.
      countAccepted: () => new Promise<number>(() => {}),
    };
    const limiter = new ProviderLimiter(new Map([["a", { dailyQuota: 1 }]]), () => 0, { counts });
    expect(await limiter.admit("a")).toBeNull();
    limiter.recordAccepted("a");
    expect(await limiter.admit("a")).toMatchObject({ reason: "quota_exhausted" });
  });
});
