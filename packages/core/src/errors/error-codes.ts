/** Every error code mailroute answers with; the server maps each to one HTTP status. */
export const errorCodes = [
  "VALIDATION_ERROR",
  "INVALID_JSON",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "IDEMPOTENCY_KEY_REUSED",
  "IDEMPOTENCY_KEY_IN_USE",
  "CONFLICT",
  "INVALID_IDEMPOTENCY_KEY",
  "UNSUPPORTED_FEATURE",
  "CONFIG_ERROR",
  "PROVIDER_ERROR",
  "NO_ELIGIBLE_PROVIDER",
  "WEBHOOK_VERIFICATION_FAILED",
  "INVALID_WEBHOOK_PAYLOAD",
  "NOT_READY",
  "INTERNAL_ERROR",
] as const;

/** A code from {@link errorCodes}. */
export type ErrorCode = (typeof errorCodes)[number];
