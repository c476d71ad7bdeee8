/**
 * What one try at one provider came to. Failover rests on this:
 * - `accepted`: the provider took the message; never send it again.
 * - `retryable`: the provider certainly did not take it (refused connection, 429, 503, broken
 *   account); safe to try the next provider or later.
 * - `permanent`: the message itself is refused (validation, rejected recipient); another provider
 *   would refuse it too, so stop.
 * - `ambiguous`: the request may have been taken (timeout or reset after it was written, 500/502/504);
 *   trying again may send a duplicate, so a policy decides and the message is flagged.
 */
export const attemptOutcomes = ["accepted", "retryable", "permanent", "ambiguous"] as const;

/** One of {@link attemptOutcomes}. */
export type AttemptOutcome = (typeof attemptOutcomes)[number];

/** The outcomes a failed try can have. */
export type FailureOutcome = Exclude<AttemptOutcome, "accepted">;

/** Why a provider call failed, in words shared by every adapter. */
export const providerErrorReasons = [
  "authentication",
  "rate_limited",
  "invalid_request",
  "recipient_rejected",
  "recipient_suppressed",
  "provider_unavailable",
  "network",
  "timeout",
  "interrupted",
  "unsupported",
  "unknown",
] as const;

/** One of {@link providerErrorReasons}. */
export type ProviderErrorReason = (typeof providerErrorReasons)[number];
