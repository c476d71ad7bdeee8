import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { routeStateSchema } from "./schema";

const route = createRoute({
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
    ...errorResponses(401, 403),
  },
});

/** `GET /v1/routes`. */
export function registerGetRoutingRules(app: App): void {
  app.openapi(route, (c) => c.json(c.get("services").routing.get(), 200));
}
