import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { idParams } from "./schema";

const route = createRoute({
  method: "delete",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "deleteWebhookEndpoint",
  summary: "Delete a webhook endpoint and its pending deliveries",
  request: { params: idParams },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

/** `DELETE /v1/webhook-endpoints/:id`. */
export function registerDeleteWebhookEndpoint(app: App): void {
  app.openapi(route, async (c) => {
    await c.get("services").webhookEndpoints.delete(c.req.valid("param").id);
    return c.body(null, 204);
  });
}
