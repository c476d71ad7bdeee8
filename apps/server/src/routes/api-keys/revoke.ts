import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";

const route = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  operationId: "revokeApiKey",
  summary: "Revoke an API key",
  description:
    "The key is refused (401) from the next request on, by this server at once; other instances sharing the database stop accepting it within a minute (their key cache). Needs an admin key.",
  request: { params: z.object({ id: z.string() }) },
  responses: {
    204: { description: "Revoked" },
    ...errorResponses(401, 403, [404, "No active key with this id"]),
  },
});

/** `DELETE /v1/api-keys/:id`. */
export function registerRevokeApiKey(app: App): void {
  app.openapi(route, async (c) => {
    await c.get("services").apiKeys.revoke(c.req.valid("param").id);
    return c.body(null, 204);
  });
}
