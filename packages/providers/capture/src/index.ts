export {
  type CaptureMailbox,
  captureCapabilities,
  createCaptureProvider,
} from "./capture-provider";
export {
  type CaptureFailure,
  type CaptureSettings,
  captureSettingsSchema,
} from "./capture-settings";
export {
  type CaptureWebhookPayload,
  type CaptureWebhookSettings,
  captureWebhookSettingsSchema,
  createCaptureWebhook,
  mapCaptureEvents,
} from "./capture-webhook";
