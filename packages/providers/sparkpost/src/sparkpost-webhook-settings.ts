import { z } from "zod";

/**
 * The credentials SparkPost sends with each webhook batch (the webhook's "Basic Auth"
 * authentication): SparkPost signs nothing, so they are the only proof.
 */
export const sparkPostWebhookSettingsSchema = z
  .object({
    /** Basic-auth user id; RFC 7617 forbids a colon in it. */
    username: z
      .string()
      .min(1)
      .refine((value) => !value.includes(":"), "must not contain a colon"),
    /** Basic-auth password; use a long random string. */
    password: z.string().min(1),
  })
  .strict();

/** What `createSparkPostWebhook` takes. */
export type SparkPostWebhookSettings = z.input<typeof sparkPostWebhookSettingsSchema>;
