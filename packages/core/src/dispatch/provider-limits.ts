import { z } from "zod";
import type { SharedCounts } from "./provider-coordination";

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

/** Why a provider may not be tried now, and when it may again. */
export interface LimitRefusal {
  reason: "rate_limited" | "quota_exhausted";
  detail: string;
  retryAfterMs: number;
}

/** What the limiter needs besides the limits. */
export interface ProviderLimiterOptions {
  /**
   * The counts every instance shares. Unset, this process counts alone, in memory. Set, each
   * admission asks them (one round trip) and `check` answers from what the last one said.
   */
  counts?: SharedCounts | null | undefined;
  /** Told when counting an acceptance in the shared counts failed (the send itself stands). */
  onError?: ((error: unknown) => void) | undefined;
}

function startOfUtcDay(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

function burstOf(ratePerSecond: number, burst: number | undefined): number {
  return burst ?? Math.max(1, Math.ceil(ratePerSecond));
}

function quotaRefusal(limits: ProviderLimits, now: number): LimitRefusal {
  const reset = startOfUtcDay(now) + 86_400_000;
  return {
    reason: "quota_exhausted",
    detail: `daily quota of ${limits.dailyQuota} reached`,
    retryAfterMs: reset - now,
  };
}

function rateRefusal(ratePerSecond: number, tokens: number): LimitRefusal {
  return {
    reason: "rate_limited",
    detail: `rate limit of ${ratePerSecond}/s`,
    retryAfterMs: Math.ceil(((1 - tokens) / ratePerSecond) * 1000),
  };
}

/**
 * Rate limits (token buckets) and daily quotas of every provider; the quota count is seeded from
 * the store at start-up. Alone, the process keeps them in memory. With shared `counts`, every
 * instance takes from the same bucket and adds to the same daily count: each admission is one
 * round trip to them, which keeps the limit exact across instances (no tokens parked on an idle
 * instance) at a cost far below the provider call it admits.
 */
export class ProviderLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly used = new Map<string, { day: number; count: number }>();
  private readonly counts: SharedCounts | null;
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly limits: ReadonlyMap<string, ProviderLimits>,
    private readonly clock: () => number = Date.now,
    options: ProviderLimiterOptions = {},
  ) {
    this.counts = options.counts ?? null;
    this.onError = options.onError ?? (() => {});
  }

  /**
   * Sets how many sends the provider accepted today (from the store, at start-up); with shared
   * counts, raises theirs to at least that.
   */
  async seedDailyCount(provider: string, count: number): Promise<void> {
    const day = startOfUtcDay(this.clock());
    this.used.set(provider, { day, count });
    if (this.counts) {
      this.used.set(provider, {
        day,
        count: await this.counts.seedDailyCount(provider, day, count),
      });
    }
  }

  /**
   * Why the provider may not be tried now (`rate` or `quota`), or null; does not take a token.
   * With shared counts it answers from what this instance last heard of them.
   */
  check(provider: string): LimitRefusal | null {
    const limits = this.limits.get(provider);
    if (!limits) {
      return null;
    }
    const now = this.clock();
    if (limits.dailyQuota !== undefined && this.dailyCount(provider, now) >= limits.dailyQuota) {
      return quotaRefusal(limits, now);
    }
    if (limits.ratePerSecond !== undefined) {
      const bucket = this.refill(
        provider,
        limits.ratePerSecond,
        burstOf(limits.ratePerSecond, limits.burst),
        now,
      );
      if (bucket.tokens < 1) {
        return rateRefusal(limits.ratePerSecond, bucket.tokens);
      }
    }
    return null;
  }

  /**
   * Admits a try that is about to start: the reason to skip the provider now, or null after
   * taking its token. In memory it answers at once, as `check` then `take`; with shared counts it
   * asks them.
   */
  admit(provider: string): LimitRefusal | null | Promise<LimitRefusal | null> {
    if (!this.counts || !this.limits.has(provider)) {
      const refusal = this.check(provider);
      if (!refusal) {
        this.take(provider);
      }
      return refusal;
    }
    return this.admitShared(this.counts, provider);
  }

  /**
   * Why the provider would be skipped now, as `check`, but read from the shared counts when there
   * are some, so what `GET /v1/providers` shows on one instance includes the others' sends.
   */
  async inspect(provider: string): Promise<LimitRefusal | null> {
    if (!this.counts || !this.limits.has(provider)) {
      return this.check(provider);
    }
    return this.askShared(this.counts, provider, "peek");
  }

  private admitShared(counts: SharedCounts, provider: string): Promise<LimitRefusal | null> {
    return this.askShared(counts, provider, "admit");
  }

  private async askShared(
    counts: SharedCounts,
    provider: string,
    question: "admit" | "peek",
  ): Promise<LimitRefusal | null> {
    const limits = this.limits.get(provider) ?? {};
    const now = this.clock();
    const day = startOfUtcDay(now);
    const bucket =
      limits.ratePerSecond === undefined
        ? undefined
        : {
            ratePerSecond: limits.ratePerSecond,
            burst: burstOf(limits.ratePerSecond, limits.burst),
          };
    const request = { provider, day, dailyQuota: limits.dailyQuota, bucket, now };
    const answer = await (question === "admit" ? counts.admit(request) : counts.peek(request));
    // What `check` answers from until the next admission. This instance's own acceptances may
    // not be written yet: the larger count holds both.
    const dailyCount = Math.max(answer.dailyCount, this.dailyCount(provider, now));
    this.used.set(provider, { day, count: dailyCount });
    if (answer.tokens !== null) {
      this.buckets.set(provider, { tokens: answer.tokens, updatedAt: now });
    }
    if (limits.dailyQuota !== undefined && dailyCount >= limits.dailyQuota) {
      return quotaRefusal(limits, now);
    }
    const short = question === "admit" ? !answer.taken : (answer.tokens ?? bucket?.burst ?? 1) < 1;
    if (short && bucket) {
      return rateRefusal(bucket.ratePerSecond, answer.tokens ?? 0);
    }
    return null;
  }

  /** Takes a token for a try that is about to start (in memory; `admit` takes shared ones). */
  take(provider: string): void {
    const limits = this.limits.get(provider);
    if (limits?.ratePerSecond === undefined) {
      return;
    }
    const bucket = this.refill(
      provider,
      limits.ratePerSecond,
      burstOf(limits.ratePerSecond, limits.burst),
      this.clock(),
    );
    bucket.tokens -= 1;
  }

  /**
   * Counts an accepted send against the daily quota. With shared counts the count is sent on
   * without waiting; a failure goes to `onError`, and the next start-up's seed from the store
   * (which recorded the accepted attempt) puts the count right. Returns, for whoever wants to
   * wait, when the shared count is written (it never rejects), or null when there is none.
   */
  recordAccepted(provider: string): Promise<void> | null {
    const now = this.clock();
    const count = this.dailyCount(provider, now);
    const day = startOfUtcDay(now);
    this.used.set(provider, { day, count: count + 1 });
    if (!this.counts || this.limits.get(provider)?.dailyQuota === undefined) {
      return null;
    }
    return this.counts.countAccepted(provider, day).then((total) => {
      const known = this.used.get(provider);
      if (known && known.day === day && total > known.count) {
        this.used.set(provider, { day, count: total });
      }
    }, this.onError);
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
