import { z } from "zod";
import { mailgunWebhookSettingsSchema } from "./mailgun-webhook-settings";

/** Mailgun's US API host; EU domains use `https://api.eu.mailgun.net`. */
export const defaultMailgunBaseUrl = "https://api.mailgun.net";

/** The settings of one Mailgun account, as the server's configuration gives them. */
export const mailgunSettingsSchema = z.object({
  /** Present when the settings come from a typed provider list; must then say mailgun. */
  type: z.literal("mailgun").optional(),
  /** The configured name (`mailgun-eu`, `backup`), unique within one mailroute. */
  name: z.string().min(1),
  /** A private API key (or a domain sending key), sent as Basic auth with the user `api`. */
  apiKey: z.string().min(1),
  /** The sending domain, as it appears in `/v3/<domain>/messages`. */
  domain: z
    .string()
    .regex(
      /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/,
      "must be a domain name such as mg.example.com",
    ),
  /** The API's base URL; tests point it at an emulator. A path prefix is kept. */
  baseUrl: z.url({ protocol: /^https?$/ }).default(defaultMailgunBaseUrl),
  /** The most one send may take, in ms, whatever deadline the dispatcher gives. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Webhook verification settings; read by the webhook handler, not by send. */
  webhook: mailgunWebhookSettingsSchema.optional(),
});

/** What a caller passes to `createMailgunProvider`. */
export type MailgunSettings = z.input<typeof mailgunSettingsSchema>;

/** Settings after validation, with defaults filled in. */
export type ResolvedMailgunSettings = z.output<typeof mailgunSettingsSchema>;
