import { WebhookPayloadError } from "@mailroute/core";
import { z } from "zod";

/**
 * One Event Webhook item. Only what every event carries is checked; the mapping reads the other
 * fields leniently, so one odd field never refuses a whole batch
 * (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event).
 */
export const sendGridEventSchema = z.looseObject({
  event: z.string(),
  /** Unix seconds. */
  timestamp: z.union([z.number().nonnegative(), z.string().regex(/^\d+(?:\.\d+)?$/)]),
});

/** One Event Webhook item: the checked fields plus everything else SendGrid sent. */
export type SendGridEvent = z.infer<typeof sendGridEventSchema>;

/** An Event Webhook body: SendGrid always posts a JSON array, batching several events. */
export const sendGridEventsSchema = z.array(sendGridEventSchema);

/** Checks a decoded body (or a payload handed back to `toEvents`); throws `WebhookPayloadError`. */
export function parseSendGridEvents(value: unknown): SendGridEvent[] {
  const result = sendGridEventsSchema.safeParse(value);
  if (!result.success) {
    throw new WebhookPayloadError(
      `not a SendGrid Event Webhook body: ${z.prettifyError(result.error)}`,
      { cause: result.error },
    );
  }
  return result.data;
}
