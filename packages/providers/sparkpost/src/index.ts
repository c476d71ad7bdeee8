/** Creates the handler that verifies and normalizes SparkPost's event webhooks. */
export { createSparkPostWebhook } from "./sparkpost-webhook";
/** The Basic-auth credentials of SparkPost's webhook, and their schema for config validation. */
export {
  type SparkPostWebhookSettings,
  sparkPostWebhookSettingsSchema,
} from "./sparkpost-webhook-settings";
