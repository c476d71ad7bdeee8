import {
  classifyStorageError,
  type ErrorCode,
  type ErrorDetail,
  MailrouteError,
  type StorageFailure,
} from "@mailroute/core";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import type { z } from "zod";
import { formatIssues } from "./format-issues";

/** The one table from error code to HTTP status. */
export const codeToStatus: Record<ErrorCode, ContentfulStatusCode> = {
  VALIDATION_ERROR: 400,
  INVALID_JSON: 400,
  INVALID_IDEMPOTENCY_KEY: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  IDEMPOTENCY_KEY_IN_USE: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNSUPPORTED_FEATURE: 422,
  TEMPLATE_NOT_FOUND: 422,
  TEMPLATE_DATA_MISSING: 422,
  TEMPLATE_RENDER_FAILED: 422,
  NO_ELIGIBLE_PROVIDER: 422,
  WEBHOOK_VERIFICATION_FAILED: 401,
  INVALID_WEBHOOK_PAYLOAD: 400,
  CONFIG_ERROR: 500,
  PROVIDER_ERROR: 502,
  NOT_READY: 503,
  STORAGE_FULL: 503,
  DATABASE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

/**
 * The Retry-After (seconds) of the answers a client should simply repeat later. A full disk takes
 * an operator to free space, so it asks for a longer wait than a dropped connection.
 */
export const retryAfterSeconds: Partial<Record<ErrorCode, number>> = {
  STORAGE_FULL: 30,
  DATABASE_UNAVAILABLE: 5,
};

const storageRefusals: Record<StorageFailure, () => MailrouteError> = {
  full: () =>
    new MailrouteError(
      "STORAGE_FULL",
      "the database is out of space, so nothing was stored; retry later",
    ),
  unavailable: () =>
    new MailrouteError(
      "DATABASE_UNAVAILABLE",
      "the database does not take writes right now, so nothing was stored; retry later",
    ),
};

/** The JSON body of every error answer. */
export function errorBody(
  code: ErrorCode,
  message: string,
  details: ErrorDetail[],
  requestId: string,
) {
  return { error: { code, message, details, requestId } };
}

/** A body that is not JSON (415), the same from the generic validators and `readJsonBody`. */
export const unsupportedMediaType = () =>
  new MailrouteError("UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");

/** A body that does not parse as JSON (400). */
export const invalidJson = () =>
  new MailrouteError("INVALID_JSON", "request body is not valid JSON");

/** A request that fails its schema (400), with one detail per field. */
export const invalidRequest = (issues: readonly z.core.$ZodIssue[]) =>
  new MailrouteError("VALIDATION_ERROR", "the request is invalid; see details", {
    details: formatIssues(issues),
  });

function fromHttpException(error: HTTPException): MailrouteError {
  if (error.status === 413) {
    return new MailrouteError("PAYLOAD_TOO_LARGE", "request body is larger than the limit");
  }
  if (error.status === 400 && /json/i.test(error.message)) {
    return invalidJson();
  }
  if (error.status === 415) {
    return unsupportedMediaType();
  }
  if (error.status === 401) {
    return new MailrouteError("UNAUTHORIZED", error.message || "unauthorized");
  }
  return new MailrouteError("VALIDATION_ERROR", error.message || "bad request");
}

/** Hono's onError: every thrown error becomes one JSON shape; server errors are logged with cause. */
export function createErrorHandler(logger: Logger) {
  return (thrown: Error, c: Context) => {
    const requestId = (c.get("requestId") as string | undefined) ?? "";
    const refusal = thrown instanceof MailrouteError ? null : classifyStorageError(thrown);
    // A full disk or a lost database is the client's cue to retry, not a bug: 503, Retry-After.
    const error =
      thrown instanceof MailrouteError
        ? thrown
        : thrown instanceof HTTPException
          ? fromHttpException(thrown)
          : refusal
            ? storageRefusals[refusal]()
            : new MailrouteError("INTERNAL_ERROR", "internal error", { cause: thrown });
    const status = codeToStatus[error.code];
    const retryAfter = retryAfterSeconds[error.code];
    if (retryAfter !== undefined) {
      c.header("Retry-After", String(retryAfter));
    }
    if (status >= 500) {
      logger.error({ err: thrown, requestId, code: error.code }, "request failed");
    } else {
      logger.info({ requestId, code: error.code, path: c.req.path }, error.message);
    }
    return c.json(errorBody(error.code, error.message, error.details, requestId), status);
  };
}
