import { z } from "zod";

/** Per-provider limits: messages per second and per UTC day. */
export const providerLimitsSchema = z
  .object({
    /** Sustained sends per second; bursts up to `burst`. */
    ratePerSecond: z.number().positive().optional(),
    burst: z.number().int().min(1).optional(),
    /** Accepted sends per UTC day; past it the provider is skipped until midnight UTC. */
    dailyQuota: z.number().int().min(1).optional(),
  })
  .strict();

/** Per-provider limits as configured. */
export type ProviderLimits = z.output<typeof providerLimitsSchema>;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

function startOfUtcDay(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/**
 * Rate limits (token buckets) and daily quotas of every provider, kept in memory by the
 * dispatching process; the quota count is seeded from the store at start-up.
 */
export class ProviderLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly used = new Map<string, { day: number; count: number }>();

  constructor(
    private readonly limits: ReadonlyMap<string, ProviderLimits>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Sets how many sends the provider accepted today (from the store, at start-up). */
  seedDailyCount(provider: string, count: number): void {
    this.used.set(provider, { day: startOfUtcDay(this.clock()), count });
  }

  /** Why the provider may not be tried now (`rate` or `quota`), or null; does not take a token. */
  check(
    provider: string,
  ): { reason: "rate_limited" | "quota_exhausted"; detail: string; retryAfterMs: number } | null {
    const limits = this.limits.get(provider);
    if (!limits) {
      return null;
    }
    const now = this.clock();
    if (limits.dailyQuota !== undefined && this.dailyCount(provider, now) >= limits.dailyQuota) {
      const reset = startOfUtcDay(now) + 86_400_000;
      return {
        reason: "quota_exhausted",
        detail: `daily quota of ${limits.dailyQuota} reached`,
        retryAfterMs: reset - now,
      };
    }
    if (limits.ratePerSecond !== undefined) {
      const bucket = this.refill(
        provider,
        limits.ratePerSecond,
        limits.burst ?? Math.max(1, Math.ceil(limits.ratePerSecond)),
        now,
      );
      if (bucket.tokens < 1) {
        const waitMs = Math.ceil(((1 - bucket.tokens) / limits.ratePerSecond) * 1000);
        return {
          reason: "rate_limited",
          detail: `rate limit of ${limits.ratePerSecond}/s`,
          retryAfterMs: waitMs,
        };
      }
    }
    return null;
  }

  /** Takes a token for a try that is about to start. */
  take(provider: string): void {
    const limits = this.limits.get(provider);
    if (limits?.ratePerSecond === undefined) {
      return;
    }
    const bucket = this.refill(
      provider,
      limits.ratePerSecond,
      limits.burst ?? Math.max(1, Math.ceil(limits.ratePerSecond)),
      this.clock(),
    );
    bucket.tokens -= 1;
  }

  /** Counts an accepted send against the daily quota. */
  recordAccepted(provider: string): void {
    const now = this.clock();
    const count = this.dailyCount(provider, now);
    this.used.set(provider, { day: startOfUtcDay(now), count: count + 1 });
  }

  private dailyCount(provider: string, now: number): number {
    const entry = this.used.get(provider);
    return entry && entry.day === startOfUtcDay(now) ? entry.count : 0;
  }

  private refill(provider: string, rate: number, burst: number, now: number): Bucket {
    const bucket = this.buckets.get(provider) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rate);
    bucket.updatedAt = now;
    this.buckets.set(provider, bucket);
    return bucket;
  }
}
