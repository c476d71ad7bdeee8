import type { EmailMessage } from "../message/message-schema";
import { findUnsupportedFeature, type ProviderCapabilities } from "../provider/capabilities";

/** Why a provider was left out of a plan or a round: the routing trace's `reason`. */
export const skipReasons = [
  "unknown_provider",
  "misconfigured",
  "breaker_open",
  "stalled",
  "capability",
  "rate_limited",
  "quota_exhausted",
] as const;

/** One of `skipReasons`. */
export type SkipReason = (typeof skipReasons)[number];

/**
 * What eligibility reads about the providers right now. `ProviderBreakers` and `ProviderLimiter`
 * already answer these questions; tests pass plain objects.
 */
export interface EligibilityState {
  /** The configured providers; one missing from the map is `unknown_provider`. */
  providers: ReadonlyMap<string, { capabilities: ProviderCapabilities }>;
  breakers: {
    isOpen(provider: string): boolean;
    misconfiguration(provider: string): { reason: string } | null;
    stall(provider: string): { detail: string } | null;
  };
  /**
   * The rate limit and daily quota. Asked last, and only when nothing else rules the provider
   * out, so an admission that takes a token when it admits may stand in for a pure check.
   */
  limiter?: { check(provider: string): Ineligibility | null } | undefined;
}

/**
 * When the question is asked: while `planning` a route (the planner and simulate), or just before
 * an `attempt` (the executor asks again, since a provider may stall or fill its quota while a
 * message waits). An attempt does not look at capabilities (the message has not changed since
 * planning) nor at a misconfiguration (the open breaker already says skip).
 */
export type EligibilityMoment = "planning" | "attempt";

/** Why the provider may not be tried, as the routing trace records it. */
export interface Ineligibility {
  reason: SkipReason;
  detail: string;
  /** Set for a rate limit or quota: how long until the provider may be tried again. */
  retryAfterMs?: number | undefined;
}

/**
 * The one rule for whether a provider may be tried for a message now: null when it may, else the
 * first reason that applies, in this order: not configured, misconfigured (its breaker was
 * tripped by an authentication answer), breaker open, stalled, cannot carry the message, rate
 * limited or out of its daily quota.
 */
export function whyNotEligible(
  provider: string,
  message: EmailMessage,
  state: EligibilityState,
  moment: EligibilityMoment,
): Ineligibility | null {
  const adapter = state.providers.get(provider);
  if (!adapter) {
    return { reason: "unknown_provider", detail: "not configured" };
  }
  if (state.breakers.isOpen(provider)) {
    const misconfiguration =
      moment === "planning" ? state.breakers.misconfiguration(provider) : null;
    if (misconfiguration) {
      return { reason: "misconfigured", detail: misconfiguration.reason };
    }
    return {
      reason: "breaker_open",
      detail: moment === "planning" ? "circuit open after repeated failures" : "circuit open",
    };
  }
  const stall = state.breakers.stall(provider);
  if (stall) {
    return { reason: "stalled", detail: stall.detail };
  }
  if (moment === "planning") {
    const unsupported = findUnsupportedFeature(message, adapter.capabilities);
    if (unsupported) {
      return { reason: "capability", detail: unsupported };
    }
  }
  const limited = state.limiter?.check(provider) ?? null;
  if (!limited) {
    return null;
  }
  const refusal: Ineligibility = { reason: limited.reason, detail: limited.detail };
  if (limited.retryAfterMs !== undefined) {
    refusal.retryAfterMs = limited.retryAfterMs;
  }
  return refusal;
}
