import { createRoute, z } from "@hono/zod-openapi";
import { apiKeyScopes } from "@mailroute/core";
import type { App } from "../../app-env";
import { errorResponses, jsonBody } from "../schemas";
import { apiKeySchema } from "./schema";

const route = createRoute({
  method: "post",
  path: "/v1/api-keys",
  operationId: "createApiKey",
  summary: "Create an API key",
  description:
    "The answer holds the key (`mr_…`) once: only its hash is stored. Scopes: `admin` (everything), `send` (`POST /v1/messages`, `POST /v1/messages/batch`, `POST /v1/templates/{id}/render`, and reading the messages it sent itself), `read` (every GET). Needs an admin key.",
  request: {
    body: jsonBody(
      z
        .object({
          name: z.string().trim().min(1).max(100),
          scopes: z.array(z.enum(apiKeyScopes)).min(1).max(apiKeyScopes.length),
        })
        .strict(),
    ),
  },
  responses: {
    201: {
      description: "Created; `key` is shown this once",
      content: {
        "application/json": {
          schema: apiKeySchema.extend({
            key: z.string().openapi({ description: "The secret key, shown only in this answer" }),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 413, 415),
  },
});

/** `POST /v1/api-keys`. */
export function registerCreateApiKey(app: App): void {
  app.openapi(route, async (c) => {
    return c.json(await c.get("services").apiKeys.create(c.req.valid("json")), 201);
  });
}
