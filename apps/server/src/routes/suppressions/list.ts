import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, pageQueryShape, pageSchema } from "../schemas";
import { suppressionSchema } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/suppressions",
  operationId: "listSuppressions",
  summary: "List suppressed addresses",
  description:
    "Shared by every provider: hard bounces, complaints, unsubscribes, provider refusals and manual entries. Newest first; a page ends early before it would pass about 1 MB (follow `nextCursor`). Unknown query parameters are refused (400).",
  request: {
    query: z
      .object({
        email: z.string().optional(),
        ...pageQueryShape,
      })
      .strict(),
  },
  responses: {
    200: {
      description: "A page of suppressions",
      content: { "application/json": { schema: pageSchema(suppressionSchema) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** `GET /v1/suppressions`. */
export function registerListSuppressions(app: App): void {
  app.openapi(route, async (c) =>
    c.json(await c.get("services").suppressions.list(c.req.valid("query")), 200),
  );
}
