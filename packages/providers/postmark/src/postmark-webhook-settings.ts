import { z } from "zod";

/**
 * How mailroute recognises Postmark's webhook requests. Postmark signs nothing: the only secret is
 * the HTTP Basic auth pair written into the webhook URL in Postmark's dashboard
 * (https://postmarkapp.com/developer/webhooks/webhooks-overview#protecting-your-webhook).
 */
export const postmarkWebhookSettingsSchema = z
  .object({
    /** The Basic auth user name configured on the webhook. */
    username: z.string().min(1),
    /** The Basic auth password configured on the webhook. */
    password: z.string().min(1),
    /**
     * When set, only requests from these peer addresses are accepted (Postmark publishes the
     * addresses its webhooks come from: https://postmarkapp.com/support/article/800-ips-for-firewalls).
     */
    allowedIps: z
      .array(z.union([z.ipv4(), z.ipv6()]))
      .min(1)
      .optional(),
  })
  .strict();

/** What `createPostmarkWebhook` takes. */
export type PostmarkWebhookSettings = z.input<typeof postmarkWebhookSettingsSchema>;
