import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, pageQueryShape, pageSchema } from "../schemas";
import { apiKeySchema } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listApiKeys",
  summary: "List API keys",
  description:
    "Active keys, newest first, with their prefix, scopes and when they were last used; never the secret or its hash. Revoked keys are left out. Needs an admin key.",
  request: { query: z.object(pageQueryShape).strict() },
  responses: {
    200: {
      description: "A page of keys",
      content: { "application/json": { schema: pageSchema(apiKeySchema) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** `GET /v1/api-keys`. */
export function registerListApiKeys(app: App): void {
  app.openapi(route, async (c) => {
    return c.json(await c.get("services").apiKeys.list(c.req.valid("query")), 200);
  });
}
