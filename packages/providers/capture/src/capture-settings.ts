import { providerErrorReasons } from "@mailroute/core";
import { z } from "zod";

/** A failure the capture provider can be told to produce, for demos and failover tests. */
export const captureFailureSchema = z
  .object({
    /** `ambiguous` keeps the message and then fails, like a provider that accepted but never answered. */
    outcome: z.enum(["retryable", "permanent", "ambiguous"]),
    reason: z.enum(providerErrorReasons).optional(),
    /** Share of sends that fail, from 0 to 1. */
    rate: z.number().min(0).max(1).default(1),
    /** Fail only messages to one of these addresses or `@domains`. */
    recipients: z.array(z.string().min(1)).optional(),
    code: z.string().default("CAPTURE_FAILURE"),
    message: z.string().default("capture provider configured to fail"),
    retryAfterMs: z.number().int().min(0).optional(),
  })
  .strict();

/** Settings of a capture provider: it keeps messages instead of sending them. */
export const captureSettingsSchema = z
  .object({
    name: z.string().min(1),
    type: z.literal("capture").default("capture"),
    /** Wait this long before answering, to imitate a provider's latency. */
    latencyMs: z.number().int().min(0).default(0),
    failure: captureFailureSchema.optional(),
    /** Enables `POST /webhooks/<name>` with this bearer secret, to post events by hand. */
    webhook: z
      .object({ secret: z.string().min(16) })
      .strict()
      .optional(),
  })
  .strict();

/** Capture settings as configured. */
export type CaptureSettings = z.input<typeof captureSettingsSchema>;
/** A configured failure. */
export type CaptureFailure = z.output<typeof captureFailureSchema>;
