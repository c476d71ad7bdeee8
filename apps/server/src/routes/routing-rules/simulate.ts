import { createRoute, z } from "@hono/zod-openapi";
import { sendMessageSchema } from "@mailroute/core";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";

const route = createRoute({
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
    ...errorResponses(400, 401, 403),
  },
});

/** `POST /v1/routes/simulate`. */
export function registerSimulateRoute(app: App): void {
  app.openapi(route, async (c) =>
    c.json(await c.get("services").routing.simulate(c.req.valid("json")), 200),
  );
}
