import { z } from "zod";
import { sendGridWebhookSettingsSchema } from "./sendgrid-webhook-settings";

/**
 * One SendGrid account. Unknown keys are refused so that a misspelt `baseUrl` cannot silently
 * send real mail through api.sendgrid.com.
 */
export const sendGridSettingsSchema = z
  .object({
    /** Optional in provider settings; when given it must name this adapter. */
    type: z.literal("sendgrid").optional(),
    /** The configured name (`sendgrid-eu`), reported on every error. */
    name: z.string().min(1),
    /** A v3 API key with the Mail Send permission (`SG.…`). */
    apiKey: z.string().min(1),
    /** Another host speaking the v3 API: api.eu.sendgrid.com, a proxy or an emulator. */
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** The adapter's own ceiling for one send, on top of the dispatcher's deadline. */
    timeoutMs: z.number().int().positive().default(15_000),
    /** Event Webhook verification; read by the webhook step, not by send. */
    webhook: sendGridWebhookSettingsSchema.optional(),
  })
  .strict();

/** Settings as written in the configuration (defaults not yet applied). */
export type SendGridSettings = z.input<typeof sendGridSettingsSchema>;

/** Settings after validation, with defaults applied. */
export type ResolvedSendGridSettings = z.output<typeof sendGridSettingsSchema>;

/** Where the v3 API lives unless `baseUrl` says otherwise. */
export const sendGridDefaultBaseUrl = "https://api.sendgrid.com";
