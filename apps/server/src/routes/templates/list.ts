import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, pageQueryShape, pageSchema } from "../schemas";
import { templateSummarySchema } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/templates",
  operationId: "listTemplates",
  summary: "List templates and partials",
  description:
    "Newest first, without their sources (read one for those); deleted ones are left out. A page ends early before it would pass about 1 MB (follow `nextCursor`). Unknown query parameters are refused (400).",
  request: {
    query: z
      .object({
        ...pageQueryShape,
      })
      .strict(),
  },
  responses: {
    200: {
      description: "A page of templates",
      content: { "application/json": { schema: pageSchema(templateSummarySchema) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** `GET /v1/templates`. */
export function registerListTemplates(app: App): void {
  app.openapi(route, async (c) =>
    c.json(await c.get("services").templates.list(c.req.valid("query")), 200),
  );
}
