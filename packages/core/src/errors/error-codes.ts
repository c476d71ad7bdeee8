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
  /** A send or render names a template or version that does not exist (or was deleted). */
  "TEMPLATE_NOT_FOUND",
  /** A strict template prints variables the data lacks; `details` names each one. */
  "TEMPLATE_DATA_MISSING",
  /** A template could not render into a valid message (a missing partial, a subject with a newline). */
  "TEMPLATE_RENDER_FAILED",
  "CONFIG_ERROR",
  "PROVIDER_ERROR",
  "NO_ELIGIBLE_PROVIDER",
  "WEBHOOK_VERIFICATION_FAILED",
  "INVALID_WEBHOOK_PAYLOAD",
  "NOT_READY",
  /** The disk or the database is full: nothing was stored; retry after the Retry-After. */
  "STORAGE_FULL",
  /** The database refuses writes (read-only, I/O error, connection lost): nothing was stored. */
  "DATABASE_UNAVAILABLE",
  "INTERNAL_ERROR",
] as const;

/** A code from {@link errorCodes}. */
export type ErrorCode = (typeof errorCodes)[number];
