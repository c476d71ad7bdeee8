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
  })
  .strict();

/** Breaker settings with defaults applied. */
export type BreakerSettings = z.output<typeof breakerSettingsSchema>;
