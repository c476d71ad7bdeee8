/** Builds a Postmark adapter from settings, and the capabilities it declares. */
export { createPostmarkProvider, postmarkCapabilities } from "./postmark-provider";
/** The settings of one Postmark server, and their schema for config validation. */
export {
  type PostmarkFetch,
  type PostmarkSettings,
  postmarkSettingsSchema,
} from "./postmark-settings";
/** Builds the handler that verifies Postmark's webhook requests and normalizes their records. */
export { createPostmarkWebhook } from "./postmark-webhook";
/** The webhook's Basic auth credentials and optional address allow-list, and their schema. */
export {
  type PostmarkWebhookSettings,
  postmarkWebhookSettingsSchema,
} from "./postmark-webhook-settings";
