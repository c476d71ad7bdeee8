import type { EmailMessage } from "../message/message-schema";
import { matchRoute } from "./match-route";
import { orderTargets } from "./order-targets";
import type { RouteConfig } from "./route-schema";
import { type EligibilityState, type SkipReason, whyNotEligible } from "./why-not-eligible";

/** A provider left out of a plan, and why (for the routing trace). */
export interface SkippedProvider {
  provider: string;
  reason: SkipReason;
  detail: string;
}

/** The route chosen for a message and the providers to try, in order. */
export interface RoutePlan {
  route: string;
  plan: string[];
  skipped: SkippedProvider[];
}

/** What the planner may ask about each provider at planning time. */
export interface PlanChecks {
  /** Why the provider cannot take this message now, or null. */
  check(provider: string, message: EmailMessage): SkippedProvider | null;
  random?: () => number;
}

/**
 * The planner's checks over the providers' current state, shared by the dispatcher and
 * `POST /v1/routes/simulate` so a simulation skips exactly what a real dispatch would.
 */
export function createPlanChecks(state: EligibilityState, random?: () => number): PlanChecks {
  const check = (provider: string, message: EmailMessage): SkippedProvider | null => {
    const problem = whyNotEligible(provider, message, state, "planning");
    return problem ? { provider, reason: problem.reason, detail: problem.detail } : null;
  };
  return random ? { check, random } : { check };
}

/** Picks the first route whose match holds, orders its providers and drops the ineligible ones. */
export function planRoute(
  message: EmailMessage,
  routes: RouteConfig[],
  checks: PlanChecks,
): RoutePlan | null {
  const route = matchRoute(message, routes);
  if (!route) {
    return null;
  }
  const plan: string[] = [];
  const skipped: SkippedProvider[] = [];
  for (const provider of orderTargets(route, checks.random)) {
    const problem = checks.check(provider, message);
    if (problem) {
      skipped.push(problem);
    } else {
      plan.push(provider);
    }
  }
  return { route: route.name, plan, skipped };
}
