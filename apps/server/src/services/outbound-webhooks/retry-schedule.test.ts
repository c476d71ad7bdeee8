import { describe, expect, it } from "vitest";
import {
  computeWebhookRetryDelay,
  endpointFailureLimitMs,
  shouldDisableEndpoint,
  webhookRetryScheduleMs,
} from "./retry-schedule";

const middle = () => 0.5;
const lowest = () => 0;
const highest = () => 0.999_999_999;

describe("computeWebhookRetryDelay", () => {
  it("follows immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h without jitter", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) =>
      computeWebhookRetryDelay({ attempt, random: middle }),
    );
    expect(delays).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(webhookRetryScheduleMs).toHaveLength(8);
  });

  it("returns null once the eight attempts are exhausted", () => {
    expect(computeWebhookRetryDelay({ attempt: 9, random: middle })).toBeNull();
    expect(
      computeWebhookRetryDelay({ attempt: 100, retryAfterMs: 1_000, random: middle }),
    ).toBeNull();
  });

  it("jitters each delay by at most ±20%", () => {
    expect(computeWebhookRetryDelay({ attempt: 3, random: lowest })).toBe(240_000);
    expect(computeWebhookRetryDelay({ attempt: 3, random: highest })).toBe(360_000);
    expect(computeWebhookRetryDelay({ attempt: 2, random: () => 0.25 })).toBe(4_500);
  });

  it("keeps the first attempt immediate whatever the jitter", () => {
    expect(computeWebhookRetryDelay({ attempt: 1, random: highest })).toBe(0);
  });

  it("waits for a Retry-After longer than the scheduled delay", () => {
    expect(computeWebhookRetryDelay({ attempt: 2, retryAfterMs: 60_000, random: middle })).toBe(
      60_000,
    );
  });

  it("ignores a Retry-After shorter than the scheduled delay", () => {
    expect(computeWebhookRetryDelay({ attempt: 3, retryAfterMs: 10_000, random: middle })).toBe(
      300_000,
    );
  });

  it("caps a Retry-After at one day", () => {
    expect(
      computeWebhookRetryDelay({ attempt: 2, retryAfterMs: 30 * 86_400_000, random: middle }),
    ).toBe(86_400_000);
  });

  it("treats a null or negative Retry-After as absent", () => {
    expect(computeWebhookRetryDelay({ attempt: 2, retryAfterMs: null, random: middle })).toBe(
      5_000,
    );
    expect(computeWebhookRetryDelay({ attempt: 2, retryAfterMs: -5, random: middle })).toBe(5_000);
  });

  it("uses Math.random when no random source is given, staying within the jitter band", () => {
    const delay = computeWebhookRetryDelay({ attempt: 4 });
    expect(delay).toBeGreaterThanOrEqual(1_440_000);
    expect(delay).toBeLessThanOrEqual(2_160_000);
  });

  it("refuses attempt numbers below 1 or fractional", () => {
    expect(() => computeWebhookRetryDelay({ attempt: 0 })).toThrow(RangeError);
    expect(() => computeWebhookRetryDelay({ attempt: 1.5 })).toThrow(RangeError);
  });
});

describe("shouldDisableEndpoint", () => {
  const start = Date.parse("2026-03-01T00:00:00Z");

  it("is false while the endpoint is not failing", () => {
    expect(shouldDisableEndpoint({ firstFailureAt: null, now: start })).toBe(false);
  });

  it("is false before five days of continuous failure", () => {
    expect(
      shouldDisableEndpoint({ firstFailureAt: start, now: start + endpointFailureLimitMs - 1 }),
    ).toBe(false);
  });

  it("is true after five days of continuous failure", () => {
    expect(endpointFailureLimitMs).toBe(5 * 24 * 60 * 60 * 1000);
    expect(
      shouldDisableEndpoint({ firstFailureAt: start, now: start + endpointFailureLimitMs }),
    ).toBe(true);
  });
});
