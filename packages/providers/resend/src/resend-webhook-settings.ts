import { z } from "zod";

/** What verifying Resend's webhooks needs: the endpoint's signing secret, and the clock tolerance. */
export const resendWebhookSettingsSchema = z
  .object({
    /** The endpoint's signing secret from Resend's dashboard (`whsec_` followed by base64). */
    secret: z
      .string()
      .trim()
      .regex(/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/, "must be the whsec_… signing secret Resend shows"),
    /** How far `svix-timestamp` may be from our clock, either way, in seconds. */
    toleranceSeconds: z.number().int().positive().default(300),
  })
  .strict();

/** What `createResendWebhook` takes (defaults may be omitted). */
export type ResendWebhookSettings = z.input<typeof resendWebhookSettingsSchema>;
