/** Creates the handler that verifies and normalizes Mailjet's event callbacks. */
export { createMailjetWebhook } from "./mailjet-webhook";
/** The Basic-auth credentials of Mailjet's callback URL, and their schema for config validation. */
export {
  type MailjetWebhookSettings,
  mailjetWebhookSettingsSchema,
} from "./mailjet-webhook-settings";
