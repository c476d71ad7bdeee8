import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/suppressions/{email}",
  operationId: "removeSuppression",
  summary: "Lift a suppression",
  request: { params: z.object({ email: z.string() }) },
  responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404) },
});

/** `DELETE /v1/suppressions/:email`. */
export function registerRemoveSuppression(app: App): void {
  app.openapi(route, async (c) => {
    await c.get("services").suppressions.remove(c.req.valid("param").email);
    return c.body(null, 204);
  });
}
