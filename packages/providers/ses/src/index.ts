/** Builds the handler that verifies SNS-delivered Amazon SES events and normalizes them. */
export { createSesWebhook } from "./ses-webhook";
/** The SNS topic allow-list and timestamp tolerance, and their schema for config validation. */
export { type SesWebhookSettings, sesWebhookSettingsSchema } from "./ses-webhook-settings";
