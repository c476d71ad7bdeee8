/** Builds the handler that verifies and normalizes one Resend webhook endpoint's requests. */
export { createResendWebhook } from "./resend-webhook";
/** The webhook's signing secret and clock tolerance, and their schema for config validation. */
export { type ResendWebhookSettings, resendWebhookSettingsSchema } from "./resend-webhook-settings";
