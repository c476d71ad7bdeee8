import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { routeStateSchema } from "./schema";

const route = createRoute({
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
    ...errorResponses(400, 401, 403),
  },
});

/** `PUT /v1/routes`. */
export function registerReplaceRoutingRules(app: App): void {
  app.openapi(route, async (c) =>
    c.json(await c.get("services").routing.put(c.req.valid("json").routes), 200),
  );
}
