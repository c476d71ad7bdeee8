/** Builds the handler that authenticates and normalizes one Brevo transactional webhook's requests. */
export { createBrevoWebhook } from "./brevo-webhook";
/** The webhook's Basic-auth credentials or bearer token, and their schema for config validation. */
export { type BrevoWebhookSettings, brevoWebhookSettingsSchema } from "./brevo-webhook-settings";
