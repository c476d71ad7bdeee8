import { createRoute } from "@hono/zod-openapi";
import { updateTemplateSchema } from "@mailroute/core";
import type { App } from "../../app-env";
import { errorResponses, jsonBody } from "../schemas";
import { templateParams, templateResponse } from "./schema";

const route = createRoute({
  method: "put",
  path: "/v1/templates/{id}",
  operationId: "updateTemplate",
  summary: "Store a new version of a template",
  description:
    "The body is the whole new source (fields left out are empty in the new version, as on create); `strict` left out keeps the setting. Earlier versions stay readable and can still be sent by `version`. Messages already accepted keep what they were rendered with.",
  request: { params: templateParams, body: jsonBody(updateTemplateSchema) },
  responses: {
    200: templateResponse("The new version"),
    ...errorResponses(400, 401, 403, 404, 413, 415),
  },
});

/** `PUT /v1/templates/:id`. */
export function registerUpdateTemplate(app: App): void {
  app.openapi(route, async (c) => {
    const updated = await c
      .get("services")
      .templates.update(c.req.valid("param").id, c.req.valid("json"));
    return c.json(updated, 200);
  });
}
