import { z } from "zod";

/** Circuit-breaker settings shared by every provider (reliability notes §5). */
export const breakerSettingsSchema = z
  .object({
    /** Tries in the window before the breaker may open at all. */
    volumeThreshold: z.number().int().min(1).default(10),
    /** Failure share (of tries in the window) above which it opens. */
    errorThresholdPercentage: z.number().min(1).max(100).default(50),
    rollingCountTimeoutMs: z.number().int().min(1000).default(10_000),
    /** How long it stays open before one half-open probe is let through. */
    resetTimeoutMs: z.number().int().min(100).default(20_000),
    /**
     * A call in flight longer than this counts as stuck; unset, it is derived from the attempt
     * deadline (see `slowCallThresholdMs`).
     */
    slowCallMs: z.number().int().min(10).optional(),
    /** Stuck calls at once that mark a provider stalled, so new tries skip it. */
    slowCallCount: z.number().int().min(1).default(2),
  })
  .strict();

/** Breaker settings with defaults applied. */
export type BreakerSettings = z.output<typeof breakerSettingsSchema>;

/** The default slow-call threshold never exceeds this, however long the attempt deadline. */
const maxDefaultSlowCallMs = 5000;

/**
 * The slow-call threshold in force: the configured one, else a quarter of the attempt deadline
 * (at most 5 s), which is far above a healthy provider's answer and early enough that a hang is
 * noticed long before the first stuck call reaches its deadline.
 */
export function slowCallThresholdMs(
  settings: Pick<BreakerSettings, "slowCallMs">,
  attemptTimeoutMs: number,
): number {
  return settings.slowCallMs ?? Math.min(maxDefaultSlowCallMs, Math.round(attemptTimeoutMs / 4));
}
