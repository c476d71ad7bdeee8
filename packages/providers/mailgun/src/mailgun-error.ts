import {
  classifyHttpStatus,
  type FailureOutcome,
  ProviderError,
  type ProviderErrorReason,
} from "@mailroute/core";

/**
 * The fields of mailgun.js's `APIError`. The class exists only as a type (nothing is exported at
 * runtime) and its `name` is plain `Error`, so it is recognised by `type === "MailgunAPIError"`.
 */
export interface MailgunApiError {
  type: "MailgunAPIError";
  /** The HTTP status, or 400 for a transport failure (see {@link isTransportFailure}). */
  status: number;
  /** The HTTP status text, the body's `error`, or the socket/axios code of a transport failure. */
  message: string;
  /** The body's `message` (or the raw text body), or the transport failure's description. */
  details: string;
}

/** How a failure reads for failover. */
export interface MailgunErrorClass {
  outcome: FailureOutcome;
  reason: ProviderErrorReason;
}

/** True for an error thrown by mailgun.js. */
export function isMailgunApiError(error: unknown): error is MailgunApiError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { type?: unknown }).type === "MailgunAPIError" &&
    typeof (error as { status?: unknown }).status === "number"
  );
}

const notConnectedCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENETDOWN",
  "EADDRNOTAVAIL",
]);
// TLS failures happen before any HTTP byte is written.
const tlsCodes = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "EPROTO",
]);
// axios' own timeout (ECONNABORTED, or ETIMEDOUT with clarifyTimeoutError) and cancellation.
const timeoutCodes = new Set(["ECONNABORTED", "ETIMEDOUT", "ESOCKETTIMEDOUT", "ERR_CANCELED"]);
// Failures raised before the request could complete, so nothing was accepted.
const refusedLocallyCodes: Record<string, MailgunErrorClass> = {
  ERR_FR_TOO_MANY_REDIRECTS: { outcome: "retryable", reason: "provider_unavailable" },
  ERR_FR_REDIRECTION_FAILURE: { outcome: "retryable", reason: "provider_unavailable" },
  ERR_INVALID_URL: { outcome: "retryable", reason: "provider_unavailable" },
  ERR_FR_MAX_BODY_LENGTH_EXCEEDED: { outcome: "retryable", reason: "unsupported" },
};

const transportCodePattern = /^(?:E[A-Z0-9_]+|UND_ERR_[A-Z0-9_]+)$/;

/**
 * mailgun.js reports a failure that got no HTTP response (refused, reset, timeout) as
 * `status: 400` with the axios code as `message`. A genuine HTTP 400 carries the status text
 * ("Bad Request") instead, so the code, not the status, tells them apart.
 */
export function isTransportFailure(error: MailgunApiError): boolean {
  return (
    error.status === 400 &&
    (transportCodePattern.test(error.message) || tlsCodes.has(error.message))
  );
}

/** Reads a transport failure: not sent when the connection never opened, ambiguous after. */
export function classifyMailgunTransportFailure(code: string, details: string): MailgunErrorClass {
  if (notConnectedCodes.has(code) || tlsCodes.has(code)) {
    return { outcome: "retryable", reason: "network" };
  }
  // The kernel's connect timeout ("connect ETIMEDOUT 1.2.3.4:443"): nothing was written.
  if (code === "ETIMEDOUT" && details.startsWith("connect ")) {
    return { outcome: "retryable", reason: "network" };
  }
  const refusedLocally = refusedLocallyCodes[code];
  if (refusedLocally) {
    return refusedLocally;
  }
  if (timeoutCodes.has(code)) {
    return { outcome: "ambiguous", reason: "timeout" };
  }
  // ECONNRESET ("socket hang up"), EPIPE and anything unknown: the request may have been read.
  return { outcome: "ambiguous", reason: "interrupted" };
}

/**
 * Mailgun's reading of an HTTP status where it differs from core's default table
 * (https://documentation.mailgun.com/docs/mailgun/quickstart-guide/responses).
 */
const mailgunStatusClasses: Record<number, MailgunErrorClass> = {
  // Payment required: the account, not the message, is the problem.
  402: { outcome: "retryable", reason: "authentication" },
  // Not a send endpoint: a wrong base URL, or a redirect that turned the POST into a GET.
  405: { outcome: "retryable", reason: "provider_unavailable" },
  // Over Mailgun's 25 MB; a provider with a larger limit can still carry it.
  413: { outcome: "retryable", reason: "unsupported" },
  // "Domain … is not allowed to send: recipient limit exceeded, try again after <date>".
  420: { outcome: "retryable", reason: "rate_limited" },
};

/** Reads an HTTP error status from Mailgun's send API. */
export function classifyMailgunStatus(status: number): MailgunErrorClass {
  return mailgunStatusClasses[status] ?? classifyHttpStatus(status);
}

/** The wait a 420 names ("try again after Wed, 22 Feb 2023 10:04:01 UTC"), in ms from `now`. */
function parseTryAgainAfter(details: string, now: number): number | undefined {
  const match = /try again after (.+?)\s*$/i.exec(details);
  const date = match?.[1] ? Date.parse(match[1]) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function fromApiError(error: MailgunApiError, provider: string, now: number): ProviderError {
  if (isTransportFailure(error)) {
    return new ProviderError({
      provider,
      ...classifyMailgunTransportFailure(error.message, error.details),
      message: `Mailgun request failed: ${error.message} ${error.details}`.trim(),
      providerCode: error.message,
      cause: error,
    });
  }
  // The API root's "Mailgun Magnificent API" body, which mailgun.js turns into this error.
  const isWrongUrl = error.status === 400 && error.message === "Incorrect url";
  return new ProviderError({
    provider,
    ...(isWrongUrl
      ? { outcome: "retryable", reason: "provider_unavailable" }
      : classifyMailgunStatus(error.status)),
    message: `Mailgun answered ${error.status} ${error.message}${error.details ? `: ${error.details}` : ""}`,
    providerCode: String(error.status),
    statusCode: error.status,
    // mailgun.js keeps no response headers, so Retry-After is out of reach; 420 names a date.
    retryAfterMs: error.status === 420 ? parseTryAgainAfter(error.details, now) : undefined,
    responseBody: error.details,
    cause: error,
  });
}

/** Turns whatever a mailgun.js send threw into a classified `ProviderError`. */
export function mapMailgunError(
  error: unknown,
  provider: string,
  now: number = Date.now(),
): ProviderError {
  if (isMailgunApiError(error)) {
    return fromApiError(error, provider, now);
  }
  // A throw from building the request (mailgun.js validates some input itself): nothing was
  // sent, and the same message would fail the same way again.
  return new ProviderError({
    provider,
    outcome: "permanent",
    reason: "unknown",
    message: `Mailgun request could not be made: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}

/**
 * The error for a send the deadline cut short. mailgun.js takes no AbortSignal, so the adapter
 * stops waiting itself; once the request has started Mailgun may still accept it.
 */
export function mailgunDeadlineError(provider: string, started: boolean): ProviderError {
  return new ProviderError({
    provider,
    outcome: started ? "ambiguous" : "retryable",
    reason: "timeout",
    message: started
      ? "Mailgun did not answer before the deadline; the message may have been accepted"
      : "The deadline passed before the request to Mailgun was made",
  });
}
