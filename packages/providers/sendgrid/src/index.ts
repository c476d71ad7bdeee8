/** Creates the provider for one SendGrid account, and what it can carry. */
export { createSendGridProvider, sendGridCapabilities } from "./sendgrid-provider";
/** The settings of one SendGrid account, as configured and once validated. */
export {
  type ResolvedSendGridSettings,
  type SendGridSettings,
  sendGridSettingsSchema,
} from "./sendgrid-settings";
/** Creates the Signed Event Webhook handler (verify, parse, map) for one SendGrid account. */
export { createSendGridWebhook } from "./sendgrid-webhook";
/** What verifying one account's Signed Event Webhook needs, and its schema. */
export {
  type SendGridWebhookSettings,
  sendGridWebhookSettingsSchema,
} from "./sendgrid-webhook-settings";
