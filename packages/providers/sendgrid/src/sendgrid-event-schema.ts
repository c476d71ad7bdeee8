import { parseWebhookBatch } from "@mailroute/core";
import { z } from "zod";

/**
 * One Event Webhook item. Only what every event carries is checked; the mapping reads the other
 * fields leniently, so one odd field never refuses a whole batch
 * (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event).
 */
export const sendGridEventSchema = z.looseObject({
  event: z.string().min(1),
  /** Every event is about one recipient; a body without one is not SendGrid's. */
  email: z.string(),
  /** Unix seconds. */
  timestamp: z.union([z.number().nonnegative(), z.string().regex(/^\d+(?:\.\d+)?$/)]),
});

/** One Event Webhook item: the checked fields plus everything else SendGrid sent. */
export type SendGridEvent = z.infer<typeof sendGridEventSchema>;

/**
 * Checks a decoded body (or a payload handed back to `toEvents`): SendGrid always posts a JSON
 * array, batching several events, and never an empty one. Throws `WebhookPayloadError`.
 */
export function parseSendGridEvents(value: unknown): SendGridEvent[] {
  return parseWebhookBatch(value, { provider: "SendGrid", event: sendGridEventSchema }).map(
    (item) => item.event,
  );
}
