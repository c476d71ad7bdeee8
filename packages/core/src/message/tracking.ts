import { z } from "zod";

/**
 * Open and click tracking as a message (or a route's defaults) asks for it. Each switch is
 * optional: one left out follows the route's default, then the provider account's setting.
 */
export const trackingSchema = z
  .object({
    /** Track opens (a pixel in the HTML part). */
    opens: z.boolean().optional(),
    /** Track clicks (links rewritten through the provider). */
    clicks: z.boolean().optional(),
  })
  .strict();

/** Tracking switches set explicitly; an absent one is the provider's default. */
export type MessageTracking = z.output<typeof trackingSchema>;

/**
 * The switches of `tracking` that are set, as an optional `tracking` field: nothing at all when
 * none is, so a stored message only ever holds what someone chose.
 */
export function explicitTracking(tracking: MessageTracking | undefined): {
  tracking?: MessageTracking;
} {
  const chosen: MessageTracking = {};
  if (tracking?.opens !== undefined) {
    chosen.opens = tracking.opens;
  }
  if (tracking?.clicks !== undefined) {
    chosen.clicks = tracking.clicks;
  }
  return Object.keys(chosen).length > 0 ? { tracking: chosen } : {};
}

/** True when the message switches opens or clicks explicitly (either way). */
export function setsTracking(tracking: MessageTracking | undefined): boolean {
  return tracking?.opens !== undefined || tracking?.clicks !== undefined;
}
