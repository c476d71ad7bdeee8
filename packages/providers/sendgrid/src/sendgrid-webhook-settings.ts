import { z } from "zod";
import { decodeBase64, isP256PublicKey } from "./sendgrid-ecdsa";

/** Removes PEM armour and whitespace, so both the dashboard's one-line key and a PEM file work. */
function normalizePublicKey(value: string): string {
  return value.replace(/-----(?:BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
}

/** What verifying one SendGrid account's Signed Event Webhook needs. */
export const sendGridWebhookSettingsSchema = z
  .object({
    /**
     * The verification key SendGrid shows under Settings → Mail Settings → Signed Event Webhook
     * (base64 DER SubjectPublicKeyInfo of a P-256 key; PEM is accepted too).
     */
    publicKey: z
      .string()
      .transform(normalizePublicKey)
      .refine((value) => {
        const bytes = decodeBase64(value);
        return bytes !== null && isP256PublicKey(bytes);
      }, "must be the base64 P-256 public key SendGrid shows for the Signed Event Webhook"),
    /** How far the signed timestamp may be from our clock, either way, in seconds. */
    toleranceSeconds: z.number().int().positive().default(300),
  })
  .strict();

/** Webhook settings as written in the configuration. */
export type SendGridWebhookSettings = z.input<typeof sendGridWebhookSettingsSchema>;

/** Webhook settings after validation, with the default tolerance applied. */
export type ResolvedSendGridWebhookSettings = z.output<typeof sendGridWebhookSettingsSchema>;
