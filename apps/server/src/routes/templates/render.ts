import { createRoute } from "@hono/zod-openapi";
import { renderTemplateSchema } from "@mailroute/core";
import type { App } from "../../app-env";
import { errorResponses, jsonBody } from "../schemas";
import { renderedTemplateSchema, templateParams } from "./schema";

const route = createRoute({
  method: "post",
  path: "/v1/templates/{id}/render",
  operationId: "renderTemplate",
  summary: "Render a template without sending it",
  description:
    "Answers the subject, HTML (CSS inlined) and text a message sent with this `data` would carry, and the same 422s a send would: `TEMPLATE_DATA_MISSING` naming each missing variable (`data.user.name`), `TEMPLATE_NOT_FOUND` for an unknown `version`, `TEMPLATE_RENDER_FAILED` for a missing partial or a rendered subject that is not one line.",
  request: { params: templateParams, body: jsonBody(renderTemplateSchema) },
  responses: {
    200: {
      description: "What a message would carry",
      content: { "application/json": { schema: renderedTemplateSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 413, 415, [
      422,
      "Data missing for a strict template, an unknown version, or a failed render",
    ]),
  },
});

/** `POST /v1/templates/:id/render`. */
export function registerRenderTemplate(app: App): void {
  app.openapi(route, async (c) => {
    const rendered = await c
      .get("services")
      .templates.render(c.req.valid("param").id, c.req.valid("json"));
    return c.json(
      { subject: rendered.subject, html: rendered.html ?? null, text: rendered.text ?? null },
      200,
    );
  });
}
