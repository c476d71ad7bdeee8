import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { endpointSchema, view } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  operationId: "listWebhookEndpoints",
  summary: "List webhook endpoints",
  description: "Unknown query parameters are refused (400).",
  request: { query: z.object({}).strict() },
  responses: {
    200: {
      description: "Endpoints (without secrets)",
      content: { "application/json": { schema: z.object({ data: z.array(endpointSchema) }) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** `GET /v1/webhook-endpoints`. */
export function registerListWebhookEndpoints(app: App): void {
  app.openapi(route, async (c) => {
    const endpoints = await c.get("services").webhookEndpoints.list();
    return c.json({ data: endpoints.map((endpoint) => view(endpoint, false)) }, 200);
  });
}
