import {
  classifyHttpStatus,
  type FailureOutcome,
  isProviderError,
  ProviderError,
  type ProviderErrorReason,
  parseRetryAfter,
} from "@mailroute/core";
import { z } from "zod";
import type { SendGridProgress } from "./sendgrid-client";

/** SendGrid's error body (https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/errors). */
const sendGridErrorBodySchema = z.object({
  errors: z.array(z.object({ message: z.string(), field: z.string().nullish() })),
});

/** What the send knew when the SDK call failed. */
export interface SendGridFailureContext {
  /** The configured provider name. */
  provider: string;
  progress: SendGridProgress;
  /** The deadline signal's reason, when it fired. */
  abortReason?: unknown;
  now?: number;
}

// Failures that happen before a connection exists: nothing reached SendGrid.
const connectFailureCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
]);
// TLS failures end the handshake before any HTTP byte is sent.
const tlsFailurePattern = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_)/;

type HeaderMap = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function headerOf(headers: HeaderMap | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (Array.isArray(value)) {
    return value.length > 0 ? String(value[0]) : undefined;
  }
  return value === undefined || value === null ? undefined : String(value);
}

function parseBody(body: unknown): unknown {
  if (typeof body !== "string") {
    return body;
  }
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Retry-After when given; otherwise X-RateLimit-Reset, the epoch second the limit resets. */
function retryAfterOf(headers: HeaderMap | undefined, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headerOf(headers, "retry-after"), now);
  if (retryAfter !== undefined) {
    return retryAfter;
  }
  const reset = Number(headerOf(headers, "x-ratelimit-reset"));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

interface HttpFailure {
  status: number;
  statusText?: string;
  body?: unknown;
  headers?: HeaderMap;
  /** The body did not arrive in full. */
  isCutOff?: boolean;
}

function classifySendGridStatus(status: number): {
  outcome: FailureOutcome;
  reason: ProviderErrorReason;
} {
  // 413 is SendGrid's 30 MB limit: the message is fine, this provider cannot carry it, and a
  // provider with a larger limit may.
  if (status === 413) {
    return { outcome: "retryable", reason: "unsupported" };
  }
  return classifyHttpStatus(status);
}

function fromHttpFailure(failure: HttpFailure, context: SendGridFailureContext, cause: unknown) {
  const { status } = failure;
  const body = parseBody(failure.body);
  const parsed = sendGridErrorBodySchema.safeParse(body);
  const details = parsed.success
    ? parsed.data.errors.map((item) =>
        item.field ? `${item.message} (${item.field})` : item.message,
      )
    : [];
  let message = `SendGrid answered ${status}${failure.statusText ? ` ${failure.statusText}` : ""}`;
  if (details.length > 0) {
    message += `: ${details.join("; ")}`;
  }
  if (status >= 300 && status < 400) {
    message += `; redirects are not followed (check baseUrl), location ${headerOf(failure.headers, "location") ?? "none"}`;
  }
  if (failure.isCutOff) {
    message += "; the connection ended before the body";
  }
  const responseBody =
    body === undefined || body === ""
      ? undefined
      : typeof body === "string"
        ? body
        : JSON.stringify(body);
  return new ProviderError({
    provider: context.provider,
    ...classifySendGridStatus(status),
    message,
    providerCode: String(status),
    statusCode: status,
    retryAfterMs: retryAfterOf(failure.headers, context.now ?? Date.now()),
    responseBody,
    cause,
  });
}

function isTimeoutReason(reason: unknown): boolean {
  return reason === undefined || (isRecord(reason) && reason.name === "TimeoutError");
}

function fromAbort(context: SendGridFailureContext, cause: unknown): ProviderError {
  const isTimeout = isTimeoutReason(context.abortReason);
  if (!context.progress.connected) {
    // Nothing was written: whoever tries next cannot cause a duplicate.
    return new ProviderError({
      provider: context.provider,
      outcome: "retryable",
      reason: isTimeout ? "network" : "interrupted",
      providerCode: isTimeout ? "ETIMEDOUT" : "ERR_CANCELED",
      message: isTimeout
        ? "no connection to SendGrid within the deadline"
        : "cancelled before the connection to SendGrid was made",
      cause,
    });
  }
  return new ProviderError({
    provider: context.provider,
    outcome: "ambiguous",
    reason: isTimeout ? "timeout" : "interrupted",
    providerCode: "ERR_CANCELED",
    message: isTimeout
      ? "no answer from SendGrid within the deadline; the message may have been queued"
      : "cancelled after the request was sent; the message may have been queued",
    cause,
  });
}

function fromTransportError(
  code: string,
  text: string,
  context: SendGridFailureContext,
  cause: unknown,
) {
  const isBeforeConnect =
    connectFailureCodes.has(code) || tlsFailurePattern.test(code) || !context.progress.connected;
  if (isBeforeConnect) {
    return new ProviderError({
      provider: context.provider,
      outcome: "retryable",
      reason: "network",
      providerCode: code,
      message: `could not reach SendGrid: ${text}`,
      cause,
    });
  }
  const isTimeout = code === "ETIMEDOUT" || code === "ECONNABORTED";
  return new ProviderError({
    provider: context.provider,
    outcome: "ambiguous",
    reason: isTimeout ? "timeout" : "network",
    providerCode: code,
    message: `the connection to SendGrid failed after the request was sent: ${text}`,
    cause,
  });
}

function httpFailureOf(error: unknown, progress: SendGridProgress): HttpFailure | undefined {
  if (!isRecord(error)) {
    return undefined;
  }
  const { response } = error;
  // @sendgrid/client's ResponseError (any status >= 400): `code` is the status, a number, and
  // `message` the status text; its `name` is plain "Error", so it is recognised by shape.
  if (typeof error.code === "number" && isRecord(response)) {
    const headers = isRecord(response.headers) ? response.headers : undefined;
    const statusText = typeof error.message === "string" ? error.message : undefined;
    return { status: error.code, statusText, body: response.body, headers };
  }
  // An AxiosError carrying a response: a 3xx once redirects are off.
  if (isRecord(response) && typeof response.status === "number") {
    const headers = isRecord(response.headers) ? response.headers : undefined;
    const statusText = typeof response.statusText === "string" ? response.statusText : undefined;
    return { status: response.status, statusText, body: response.data, headers };
  }
  // The head arrived, then the body was cut off (reset, or the deadline).
  if (progress.response) {
    return { ...progress.response, headers: progress.response.headers, isCutOff: true };
  }
  return undefined;
}

/**
 * Turns what @sendgrid/client threw into a ProviderError. `err.code` is the HTTP status (a
 * number) for answers >= 400 and the axios or socket code (a string) for transport failures, so
 * the two are told apart by type.
 */
export function mapSendGridError(error: unknown, context: SendGridFailureContext): ProviderError {
  if (isProviderError(error)) {
    return error;
  }
  const failure = httpFailureOf(error, context.progress);
  if (failure) {
    return fromHttpFailure(failure, context, error);
  }
  const code = isRecord(error) && typeof error.code === "string" ? error.code : undefined;
  const text = error instanceof Error ? error.message : String(error);
  // axios turns every abort of its signal into a CanceledError.
  if (code === "ERR_CANCELED") {
    return fromAbort(context, error);
  }
  if (code !== undefined) {
    return fromTransportError(code, text, context, error);
  }
  // No code: thrown by our code or the SDK before or while it sent the request.
  return new ProviderError({
    provider: context.provider,
    outcome: context.progress.connected ? "ambiguous" : "permanent",
    reason: "unknown",
    message: `SendGrid send failed: ${text}`,
    cause: error,
  });
}
