import { createRoute, z } from "@hono/zod-openapi";
import {
  createPlanChecks,
  planRoute,
  recipientsOf,
  sendMessageSchema,
  toEmailMessage,
} from "@mailroute/core";
import type { App } from "../../app-env";
import { checkSendAt } from "../../services/send-message";
import { errorResponses } from "../schemas";

const routeStateSchema = z
  .object({
    routes: z.array(z.looseObject({ name: z.string() })),
    source: z.enum(["configuration", "api"]),
    updatedAt: z.string().nullable(),
  })
  .openapi("Routes");

const get = createRoute({
  method: "get",
  path: "/v1/routes",
  operationId: "getRoutes",
  summary: "Read the routes in force",
  description:
    "`source` says whether they come from the configuration file (the seed) or were replaced through the API.",
  responses: {
    200: {
      description: "The routes",
      content: { "application/json": { schema: routeStateSchema } },
    },
    ...errorResponses(401),
  },
});

const put = createRoute({
  method: "put",
  path: "/v1/routes",
  operationId: "replaceRoutes",
  summary: "Replace the routes",
  description:
    "Validated like the configuration file (every provider must exist and be able to send), saved, then used by the very next dispatch. Saved routes win over the file's from then on.",
  request: {
    body: {
      content: {
        "application/json": { schema: z.object({ routes: z.array(z.unknown()) }).strict() },
      },
      required: true,
    },
  },
  responses: {
    200: {
      description: "Saved and in force",
      content: { "application/json": { schema: routeStateSchema } },
    },
    ...errorResponses(400, 401),
  },
});

const simulate = createRoute({
  method: "post",
  path: "/v1/routes/simulate",
  operationId: "simulateRoute",
  summary: "Show how a message would be routed, without sending it",
  description:
    "Takes the same body as `POST /v1/messages` and answers the route that matches, the ordered plan, each provider skipped and why (breaker open, misconfigured, rate limit, quota, capability), and the recipients the suppression list would reject.",
  request: {
    body: { content: { "application/json": { schema: sendMessageSchema } }, required: true },
  },
  responses: {
    200: {
      description: "The plan",
      content: {
        "application/json": {
          schema: z.object({
            route: z.string().nullable(),
            plan: z.array(z.string()),
            skipped: z.array(
              z.object({ provider: z.string(), reason: z.string(), detail: z.string() }),
            ),
            suppressed: z.array(z.string()),
          }),
        },
      },
    },
    ...errorResponses(400, 401),
  },
});

/** `GET·PUT /v1/routes` and `POST /v1/routes/simulate`. */
export function registerRouteRoutes(app: App): void {
  app.openapi(get, (c) => c.json(c.get("services").routing.state(), 200));
  app.openapi(put, async (c) => {
    const state = await c.get("services").routing.replace(c.req.valid("json").routes);
    return c.json(state, 200);
  });
  app.openapi(simulate, async (c) => {
    const services = c.get("services");
    const input = c.req.valid("json");
    checkSendAt(input, new Date(), services.sendAtHorizonDays);
    const message = toEmailMessage("msg_simulation", input);
    const suppressed = (await services.store.findSuppressions(recipientsOf(message))).map(
      (entry) => entry.email,
    );
    const plan = planRoute(message, [...services.routing.current()], createPlanChecks(services));
    return c.json(
      {
        route: plan?.route ?? null,
        plan: plan?.plan ?? [],
        skipped: plan?.skipped ?? [],
        suppressed,
      },
      200,
    );
  });
}
