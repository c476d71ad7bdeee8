import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";

const providerSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    breaker: z.enum(["closed", "open", "halfOpen"]),
    /** Set when the provider answered that this account is broken (bad credentials); cleared when its breaker closes. */
    misconfigured: z.object({ reason: z.string(), since: z.string() }).nullable(),
    /**
     * Set while new tries skip the provider because its calls hang (too many in flight past the
     * slow-call threshold); cleared when one of its calls answers or none is left in flight.
     */
    stalled: z.object({ detail: z.string(), since: z.string() }).nullable(),
    /** Calls to the provider in flight now. */
    inFlight: z.number(),
    /**
     * The breaker's last transitions, oldest first, each with its reason; one seen on another
     * instance on the same database ends with "(on <instance>)".
     */
    transitions: z.array(
      z.object({ from: z.string(), to: z.string(), at: z.string(), reason: z.string() }),
    ),
    /** Why it would be skipped right now (rate limit or daily quota), or null. */
    limited: z.object({ reason: z.string(), detail: z.string() }).nullable(),
    /** Limits and features; `tracking` says where open/click tracking is switched (`perMessage`, `account`, `none`). */
    capabilities: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
    recent: z.object({
      window: z.string(),
      attempts: z.number(),
      accepted: z.number(),
      retryable: z.number(),
      permanent: z.number(),
      ambiguous: z.number(),
      avgLatencyMs: z.number().nullable(),
    }),
  })
  .openapi("Provider");

const route = createRoute({
  method: "get",
  path: "/v1/providers",
  operationId: "listProviders",
  summary: "List configured providers",
  description:
    "Each provider's breaker state, whether it is stalled, its calls in flight, capabilities, and attempt counts and mean latency over the last hour. Unknown query parameters are refused (400).",
  request: { query: z.object({}).strict() },
  responses: {
    200: {
      description: "Providers",
      content: { "application/json": { schema: z.object({ data: z.array(providerSchema) }) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** `GET /v1/providers`. */
export function registerListProviders(app: App): void {
  app.openapi(route, async (c) => c.json({ data: await c.get("services").providers.list() }, 200));
}
