import { z } from "zod";
import { trackingSchema } from "../message/tracking";

/** How a route orders its providers. */
export const routeStrategies = ["priority", "weighted"] as const;

/** What the dispatcher does after an ambiguous try (the provider may have taken the message). */
export const ambiguousPolicies = [
  /** Try the next provider now and flag the message as a possible duplicate (loss-averse). */
  "failover",
  /**
   * Retry the same provider in the next round (it may report the first try as a duplicate, or
   * accept now); if that is ambiguous too, hold the message, flagged, for someone to decide.
   */
  "retryThenHold",
  /** Stop: fail the message, flagged, and never send it again (duplicate-averse). */
  "fail",
] as const;

/** When and how often a message that no provider took is tried again. */
export const retryPolicySchema = z
  .object({
    /** Rounds through the plan before the message fails. */
    maxAttempts: z.number().int().min(1).max(100).default(8),
    initialDelayMs: z.number().int().min(0).default(1000),
    maxDelayMs: z.number().int().min(0).default(300_000),
    /** How long after acceptance the message may still be sent; then it fails. */
    deadlineMs: z.number().int().min(1000).default(3_600_000),
  })
  .strict();

/** A retry policy with defaults applied. */
export type RetryPolicy = z.output<typeof retryPolicySchema>;

const nonEmptyStrings = z.array(z.string().min(1)).min(1);

/** Conditions on a message; all given conditions must hold. */
export const routeMatchSchema = z
  .object({
    /** Any of these tags. */
    tags: nonEmptyStrings.optional(),
    /** All of these tags. */
    tagsAll: nonEmptyStrings.optional(),
    fromDomain: nonEmptyStrings.optional(),
    /** Every recipient's domain is one of these. */
    toDomain: nonEmptyStrings.optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    /** Shorthand for `metadata.stream`. */
    stream: z.string().min(1).optional(),
  })
  .strict();

/** A route's provider: a name, or a name with a weight for the weighted strategy. */
export const routeTargetSchema = z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1), weight: z.number().positive().default(1) }).strict(),
]);

/**
 * What a route fills in, at accept, for what its messages leave unset. `unsubscribe` applies only
 * to a message with exactly one recipient and no `List-Unsubscribe` header of its own.
 */
export const routeDefaultsSchema = z
  .object({
    tracking: trackingSchema.optional(),
    unsubscribe: z.boolean().optional(),
  })
  .strict();

/** One route: when it applies and which providers it tries, in what order. */
export const routeSchema = z
  .object({
    name: z.string().min(1),
    match: routeMatchSchema.optional(),
    strategy: z.enum(routeStrategies).default("priority"),
    providers: z.array(routeTargetSchema).min(1),
    retry: retryPolicySchema.partial().optional(),
    onAmbiguous: z.enum(ambiguousPolicies).optional(),
    defaults: routeDefaultsSchema.optional(),
  })
  .strict();

/** A route as configured. */
export type RouteConfig = z.output<typeof routeSchema>;
/** A route's defaults for its messages. */
export type RouteDefaults = z.output<typeof routeDefaultsSchema>;
/** A route's match conditions. */
export type RouteMatch = z.output<typeof routeMatchSchema>;
/** One of {@link ambiguousPolicies}. */
export type AmbiguousPolicy = (typeof ambiguousPolicies)[number];

/** The routes of a configuration; the first whose match holds decides. */
export const routesSchema = z.array(routeSchema).superRefine((routes, ctx) => {
  const seen = new Set<string>();
  routes.forEach((route, index) => {
    if (seen.has(route.name)) {
      ctx.addIssue({
        code: "custom",
        path: [index, "name"],
        message: `duplicate route name "${route.name}"`,
      });
    }
    seen.add(route.name);
  });
});

/** Lists the places where routes name a provider that is not configured. */
export function findUnknownProviders(
  routes: RouteConfig[],
  providerNames: readonly string[],
): { path: (string | number)[]; message: string }[] {
  const known = new Set(providerNames);
  const problems: { path: (string | number)[]; message: string }[] = [];
  routes.forEach((route, routeIndex) => {
    route.providers.forEach((target, targetIndex) => {
      const name = typeof target === "string" ? target : target.name;
      if (!known.has(name)) {
        problems.push({
          path: [routeIndex, "providers", targetIndex],
          message: `names provider "${name}", which is not configured`,
        });
      }
    });
  });
  return problems;
}

/**
 * Lists the routes whose default `unsubscribe: true` cannot work because `server.publicUrl` is
 * not set (there would be no address to put in `List-Unsubscribe`).
 */
export function findUnusableDefaults(
  routes: RouteConfig[],
  available: { unsubscribe: boolean },
): { path: (string | number)[]; message: string }[] {
  if (available.unsubscribe) {
    return [];
  }
  return routes.flatMap((route, index) =>
    route.defaults?.unsubscribe === true
      ? [
          {
            path: [index, "defaults", "unsubscribe"],
            message:
              "needs server.publicUrl (the public base URL of mailroute) in the configuration, for the unsubscribe links",
          },
        ]
      : [],
  );
}
