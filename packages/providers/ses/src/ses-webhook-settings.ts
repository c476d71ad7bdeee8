import { z } from "zod";

/** How mailroute recognises Amazon SES event notifications delivered by Amazon SNS. */
export const sesWebhookSettingsSchema = z
  .object({
    /**
     * The SNS topics allowed to post here. SNS signs for every AWS account alike, so without this
     * list any account's topic could subscribe to the URL and post authentic-looking events.
     */
    topicArns: z
      .array(
        z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d+:[\w.-]+$/, "must be an SNS topic ARN"),
      )
      .min(1)
      .optional(),
    /**
     * How far the signed SNS `Timestamp` may be from now, either way. SNS keeps the first
     * attempt's timestamp on retries, so raise it to the topic's retry window when a custom
     * delivery policy retries for longer than five minutes.
     */
    toleranceSeconds: z.number().int().positive().default(300),
  })
  .strict();

/** What `createSesWebhook` takes (defaults may be omitted). */
export type SesWebhookSettings = z.input<typeof sesWebhookSettingsSchema>;
