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
