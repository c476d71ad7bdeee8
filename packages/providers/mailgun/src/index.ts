/** Builds a Mailgun account's provider from its settings. */

/** Turns a mailgun.js failure into a classified ProviderError. */
export { mapMailgunError } from "./mailgun-error";
export { createMailgunProvider, mailgunCapabilities } from "./mailgun-provider";
/** The settings of one Mailgun account, and their schema. */
export {
  defaultMailgunBaseUrl,
  type MailgunSettings,
  mailgunSettingsSchema,
  type ResolvedMailgunSettings,
} from "./mailgun-settings";
/** Creates the webhook handler (verify, parse, map) for one Mailgun signing key. */
export { createMailgunWebhook } from "./mailgun-webhook";
/** What verifying one Mailgun domain's webhooks needs, and its schema. */
export {
  type MailgunWebhookSettings,
  mailgunWebhookSettingsSchema,
} from "./mailgun-webhook-settings";
