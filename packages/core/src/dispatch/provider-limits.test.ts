import { describe, expect, it } from "vitest";
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
