import { MailrouteError } from "./mailroute-error";

/** A webhook request that is not authentic (bad signature, credentials, stale or replayed). */
export class WebhookVerificationError extends MailrouteError {
  constructor(message: string) {
    super("WEBHOOK_VERIFICATION_FAILED", message);
    this.name = "WebhookVerificationError";
  }
}

/** An authentic webhook request whose body is not what the provider sends. */
export class WebhookPayloadError extends MailrouteError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("INVALID_WEBHOOK_PAYLOAD", message, options);
    this.name = "WebhookPayloadError";
  }
}
