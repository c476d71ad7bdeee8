import type { FailureOutcome, ProviderErrorReason } from "./attempt-outcomes";

/** The default reading of an HTTP status from a provider's send API; adapters override per vendor. */
export function classifyHttpStatus(status: number): {
  outcome: FailureOutcome;
  reason: ProviderErrorReason;
} {
  if (status === 429) {
    return { outcome: "retryable", reason: "rate_limited" };
  }
  // 401/403/404: this account or endpoint is broken, not the message; another provider can send it.
  if (status === 401 || status === 403 || status === 404) {
    return { outcome: "retryable", reason: "authentication" };
  }
  if (status === 503) {
    return { outcome: "retryable", reason: "provider_unavailable" };
  }
  // 500/502/504: a gateway or backend may have accepted the message before failing to answer.
  if (status >= 500) {
    return { outcome: "ambiguous", reason: "provider_unavailable" };
  }
  // 3xx means a wrong base URL; the message never reached a send endpoint.
  if (status >= 300 && status < 400) {
    return { outcome: "retryable", reason: "provider_unavailable" };
  }
  return { outcome: "permanent", reason: "invalid_request" };
}

/**
 * Parses a Retry-After header into milliseconds from `now`: delay-seconds (digits; a decimal
 * fraction is tolerated) or an HTTP date (RFC 9110), a past date being 0. Anything else (a
 * negative number, hex, an exponent, a bare word) is undefined: the caller's own backoff applies,
 * rather than a retry at once.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  // An HTTP date names its weekday or month in letters; Date.parse alone reads "-1" as a year.
  if (!/[A-Za-z]{3}/.test(trimmed)) {
    return undefined;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
