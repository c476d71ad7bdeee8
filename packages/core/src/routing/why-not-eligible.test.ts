import { describe, expect, it } from "vitest";
import type { ProviderCapabilities } from "../provider/capabilities";
import { unlimitedCapabilities } from "../testing/fake-provider";
import { plainMessage } from "../testing/plain-message";
import { createPlanChecks, planRoute } from "./plan-route";
import { routeSchema } from "./route-schema";
import {
  type EligibilityMoment,
  type EligibilityState,
  type Ineligibility,
  whyNotEligible,
} from "./why-not-eligible";

const message = plainMessage({
  id: "msg_1",
  to: [{ email: "a@example.com" }, { email: "b@example.com" }],
});

/** What can be wrong with provider "p" at once. */
interface Conditions {
  unknown?: boolean;
  open?: boolean;
  misconfigured?: boolean;
  stalled?: boolean;
  incapable?: boolean;
  rateLimited?: boolean;
  quotaExhausted?: boolean;
}

function stateOf(conditions: Conditions, asked: string[] = []): EligibilityState {
  const capabilities: ProviderCapabilities = {
    ...unlimitedCapabilities,
    maxRecipients: conditions.incapable ? 1 : 1000,
  };
  return {
    providers: new Map(conditions.unknown ? [] : [["p", { capabilities }]]),
    breakers: {
      isOpen: () => conditions.open === true,
      misconfiguration: () => (conditions.misconfigured ? { reason: "401 bad key" } : null),
      stall: () =>
        conditions.stalled ? { detail: "2 calls in flight, the oldest for 501 ms" } : null,
    },
    limiter: {
      check: (provider) => {
        asked.push(provider);
        if (conditions.quotaExhausted) {
          return {
            reason: "quota_exhausted",
            detail: "daily quota of 100 reached",
            retryAfterMs: 3_600_000,
          };
        }
        return conditions.rateLimited
          ? { reason: "rate_limited", detail: "rate limit of 2/s", retryAfterMs: 400 }
          : null;
      },
    },
  };
}

const notConfigured: Ineligibility = { reason: "unknown_provider", detail: "not configured" };
const misconfigured: Ineligibility = { reason: "misconfigured", detail: "401 bad key" };
const openAtPlanning: Ineligibility = {
  reason: "breaker_open",
  detail: "circuit open after repeated failures",
};
const openAtAttempt: Ineligibility = { reason: "breaker_open", detail: "circuit open" };
const stalled: Ineligibility = {
  reason: "stalled",
  detail: "2 calls in flight, the oldest for 501 ms",
};
const incapable: Ineligibility = {
  reason: "capability",
  detail: "2 recipients exceed its limit of 1",
};
const quota: Ineligibility = {
  reason: "quota_exhausted",
  detail: "daily quota of 100 reached",
  retryAfterMs: 3_600_000,
};
const rate: Ineligibility = {
  reason: "rate_limited",
  detail: "rate limit of 2/s",
  retryAfterMs: 400,
};

const table: [string, Conditions, EligibilityMoment, Ineligibility | null][] = [
  // Each reason alone.
  ["nothing wrong", {}, "planning", null],
  ["nothing wrong", {}, "attempt", null],
  ["not configured", { unknown: true }, "planning", notConfigured],
  ["not configured", { unknown: true }, "attempt", notConfigured],
  ["misconfigured", { open: true, misconfigured: true }, "planning", misconfigured],
  ["misconfigured (attempt)", { open: true, misconfigured: true }, "attempt", openAtAttempt],
  ["misconfiguration once closed", { misconfigured: true }, "planning", null],
  ["breaker open", { open: true }, "planning", openAtPlanning],
  ["breaker open", { open: true }, "attempt", openAtAttempt],
  ["stalled", { stalled: true }, "planning", stalled],
  ["stalled", { stalled: true }, "attempt", stalled],
  ["incapable", { incapable: true }, "planning", incapable],
  ["incapable (not re-checked)", { incapable: true }, "attempt", null],
  ["rate limited", { rateLimited: true }, "planning", rate],
  ["rate limited", { rateLimited: true }, "attempt", rate],
  ["quota exhausted", { quotaExhausted: true }, "planning", quota],
  ["quota exhausted", { quotaExhausted: true }, "attempt", quota],
  // Precedence when several apply: the earlier reason wins.
  [
    "unknown over everything",
    { unknown: true, open: true, stalled: true },
    "planning",
    notConfigured,
  ],
  [
    "misconfigured over stalled",
    { open: true, misconfigured: true, stalled: true },
    "planning",
    misconfigured,
  ],
  ["open over stalled", { open: true, stalled: true }, "planning", openAtPlanning],
  ["open over stalled", { open: true, stalled: true }, "attempt", openAtAttempt],
  ["stalled over capability", { stalled: true, incapable: true }, "planning", stalled],
  ["capability over limits", { incapable: true, rateLimited: true }, "planning", incapable],
  ["limits when incapable", { incapable: true, rateLimited: true }, "attempt", rate],
  ["stalled over limits", { stalled: true, quotaExhausted: true }, "attempt", stalled],
  ["quota over rate", { quotaExhausted: true, rateLimited: true }, "planning", quota],
];

describe("whyNotEligible", () => {
  it.each(table)("%s while %s", (_name, conditions, moment, expected) => {
    expect(whyNotEligible("p", message, stateOf(conditions), moment)).toEqual(expected);
  });

  it("asks the limiter only when nothing else rules the provider out", () => {
    const asked: string[] = [];
    whyNotEligible("p", message, stateOf({ open: true }, asked), "attempt");
    whyNotEligible("p", message, stateOf({ stalled: true }, asked), "attempt");
    whyNotEligible("p", message, stateOf({ incapable: true }, asked), "planning");
    expect(asked).toEqual([]);
    whyNotEligible("p", message, stateOf({}, asked), "attempt");
    expect(asked).toEqual(["p"]);
  });

  it("lets a provider through when there is no limiter", () => {
    const { limiter: _limiter, ...state } = stateOf({ rateLimited: true });
    expect(whyNotEligible("p", message, state, "planning")).toBeNull();
  });
});

describe("createPlanChecks", () => {
  it("skips with the trace's fields only, in order, and keeps the rest", () => {
    const state = stateOf({ rateLimited: true });
    const plan = planRoute(
      message,
      [routeSchema.parse({ name: "default", providers: ["p", "q"] })],
      createPlanChecks({
        ...state,
        providers: new Map([...state.providers, ["q", { capabilities: unlimitedCapabilities }]]),
        limiter: {
          check: (provider) => (provider === "p" ? (state.limiter?.check(provider) ?? null) : null),
        },
      }),
    );
    expect(JSON.stringify(plan)).toBe(
      JSON.stringify({
        route: "default",
        plan: ["q"],
        skipped: [{ provider: "p", reason: "rate_limited", detail: "rate limit of 2/s" }],
      }),
    );
  });
});
