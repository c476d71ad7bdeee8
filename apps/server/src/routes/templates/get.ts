import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { templateParams, templateResponse } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/templates/{id}",
  operationId: "getTemplate",
  summary: "Read a template's latest version, or an earlier one",
  description:
    "By id or name. `version` reads an earlier version; every version stays readable. A deleted template is still read by its id (with `deletedAt`), no longer by its name.",
  request: {
    params: templateParams,
    query: z.object({ version: z.coerce.number().int().min(1).optional() }).strict(),
  },
  responses: {
    200: templateResponse("The version"),
    ...errorResponses(400, 401, 403, [404, "No such template, or no such version"]),
  },
});

/** `GET /v1/templates/:id`. */
export function registerGetTemplate(app: App): void {
  app.openapi(route, async (c) => {
    const { version } = c.req.valid("query");
    return c.json(await c.get("services").templates.get(c.req.valid("param").id, version), 200);
  });
}
