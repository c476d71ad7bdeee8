import type {
  EmailMessage,
  EmailProvider,
  PlanChecks,
  ProviderBreakers,
  ProviderLimiter,
  SkippedProvider,
} from "@mailroute/core";
import { findUnsupportedFeature } from "@mailroute/core";

/** What decides whether a provider may be tried for a message right now. */
export interface ProviderGuards {
  providers: ReadonlyMap<string, EmailProvider>;
  breakers: ProviderBreakers;
  limiter: ProviderLimiter;
}

/**
 * The planner's checks, shared by the dispatcher and `POST /v1/routes/simulate` so a simulation
 * skips exactly what a real dispatch would.
 */
export function createPlanChecks(guards: ProviderGuards, random?: () => number): PlanChecks {
  const check = (provider: string, message: EmailMessage): SkippedProvider | null => {
    const adapter = guards.providers.get(provider);
    if (!adapter) {
      return { provider, reason: "unknown_provider", detail: "not configured" };
    }
    const misconfiguration = guards.breakers.misconfiguration(provider);
    if (misconfiguration && guards.breakers.isOpen(provider)) {
      return { provider, reason: "misconfigured", detail: misconfiguration.reason };
    }
    if (guards.breakers.isOpen(provider)) {
      return { provider, reason: "breaker_open", detail: "circuit open after repeated failures" };
    }
    const stall = guards.breakers.stall(provider);
    if (stall) {
      return { provider, reason: "stalled", detail: stall.detail };
    }
    const unsupported = findUnsupportedFeature(message, adapter.capabilities);
    if (unsupported) {
      return { provider, reason: "capability", detail: unsupported };
    }
    const limited = guards.limiter.check(provider);
    return limited ? { provider, reason: limited.reason, detail: limited.detail } : null;
  };
  return random ? { check, random } : { check };
}
