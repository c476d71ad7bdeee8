export { MailrouteError, type MailrouteErrorDetail } from "./errors";
export { Mailroute, type SendOptions } from "./mailroute";
export type { components, operations, paths, webhooks } from "./openapi";
export type { Page } from "./pages";
export type { CallOptions, MailrouteOptions, RetryOptions } from "./transport";
export type * from "./types";
export {
  type VerifyOptions,
  verifyWebhook,
  type WebhookHeaders,
  WebhookVerificationError,
} from "./webhooks";
