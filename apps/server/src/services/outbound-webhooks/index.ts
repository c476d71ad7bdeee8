export { type AddressCategory, addressCategories, classifyIpAddress } from "./classify-ip-address";
export {
  type DeliverWebhookOptions,
  deliverWebhook,
  type WebhookDeliveryErrorCode,
  type WebhookDeliveryResult,
  webhookDeliveryErrorCodes,
} from "./deliver-webhook";
export { generateWebhookSecret } from "./generate-webhook-secret";
export {
  type HostLookup,
  type ResolvedAddress,
  type ResolveSafeTargetOptions,
  resolveSafeTarget,
  type SafeTarget,
} from "./resolve-safe-target";
export {
  computeWebhookRetryDelay,
  endpointFailureLimitMs,
  shouldDisableEndpoint,
  webhookRetryScheduleMs,
} from "./retry-schedule";
export { type SignWebhookInput, signWebhook, type WebhookSignatureHeaders } from "./sign-webhook";
export { WebhookTargetError, type WebhookTargetRefusal } from "./webhook-target-error";
