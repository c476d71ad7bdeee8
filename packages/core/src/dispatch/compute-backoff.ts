import type { RetryPolicy } from "../routing/route-schema";

/**
 * Delay before round `attempt` (1-based) of a message: exponential from the policy's initial
 * delay, capped, with "equal jitter" (half fixed, half random) so retries of many messages spread
 * out; never shorter than what a provider asked for with Retry-After.
 */
export function computeBackoff(
  attempt: number,
  policy: Pick<RetryPolicy, "initialDelayMs" | "maxDelayMs">,
  options: { retryAfterMs?: number | undefined; random?: () => number } = {},
): number {
  const random = options.random ?? Math.random;
  const exponential = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * 2 ** Math.max(0, attempt - 1),
  );
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
  return Math.max(jittered, options.retryAfterMs ?? 0);
}
