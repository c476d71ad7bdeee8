import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { templateParams } from "./schema";

const route = createRoute({
  method: "delete",
  path: "/v1/templates/{id}",
  operationId: "deleteTemplate",
  summary: "Delete a template or partial",
  description:
    "A soft delete: it leaves the list and can no longer be sent or rendered, its name is free for a new template, and messages already accepted keep what was rendered. Its versions stay readable by id. A partial that a template or partial not deleted includes answers 409, naming each.",
  request: { params: templateParams },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses(401, 403, 404, [409, "A partial still included by other templates"]),
  },
});

/** `DELETE /v1/templates/:id`. */
export function registerDeleteTemplate(app: App): void {
  app.openapi(route, async (c) => {
    await c.get("services").templates.delete(c.req.valid("param").id);
    return c.body(null, 204);
  });
}
