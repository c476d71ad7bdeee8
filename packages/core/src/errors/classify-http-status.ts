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

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return Math.round(seconds * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
