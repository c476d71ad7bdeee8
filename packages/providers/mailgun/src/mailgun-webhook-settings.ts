import { z } from "zod";

/** What verifying one Mailgun domain's webhooks needs. */
export const mailgunWebhookSettingsSchema = z
  .object({
    /**
     * The HTTP webhook signing key (Mailgun dashboard → Sending → Webhooks → "HTTP webhook signing
     * key"). It is not the API key, though older accounts may still sign with the API key.
     */
    signingKey: z.string().min(1),
    /** How far the signed timestamp may be from our clock, either way, in seconds. */
    toleranceSeconds: z.number().int().positive().default(300),
  })
  .strict();

/** Webhook settings as written in the configuration. */
export type MailgunWebhookSettings = z.input<typeof mailgunWebhookSettingsSchema>;

/** Webhook settings after validation, with defaults applied. */
export type ResolvedMailgunWebhookSettings = z.output<typeof mailgunWebhookSettingsSchema>;
