import { createRoute } from "@hono/zod-openapi";
import { createTemplateSchema } from "@mailroute/core";
import type { App } from "../../app-env";
import { errorResponses, jsonBody } from "../schemas";
import { templateResponse } from "./schema";

const route = createRoute({
  method: "post",
  path: "/v1/templates",
  operationId: "createTemplate",
  summary: "Store a template or a partial",
  description:
    'Handlebars sources, stored as version 1. A template has a `subject` and `html` and/or `text`; a partial (`kind: "partial"`) has no subject and is included by name (`{{> footer}}`, or `{{#> layout}}…{{/layout}}` for a layout). Each source is checked on save: a syntax error answers 400 with its field, line and column. `strict` (the default) makes a variable the template prints but the data lacks a 422 at send instead of an empty string.',
  request: { body: jsonBody(createTemplateSchema) },
  responses: {
    201: templateResponse("Stored as version 1"),
    ...errorResponses(
      400,
      401,
      403,
      [409, "A template or partial with this name exists"],
      413,
      415,
    ),
  },
});

/** `POST /v1/templates`. */
export function registerCreateTemplate(app: App): void {
  app.openapi(route, async (c) =>
    c.json(await c.get("services").templates.create(c.req.valid("json")), 201),
  );
}
