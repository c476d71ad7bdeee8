import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { endpointResponse, idParams, view } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "getWebhookEndpoint",
  summary: "Read a webhook endpoint, with its secret",
  request: { params: idParams },
  responses: { 200: endpointResponse("The endpoint"), ...errorResponses(401, 403, 404) },
});

/** `GET /v1/webhook-endpoints/:id`. */
export function registerGetWebhookEndpoint(app: App): void {
  app.openapi(route, async (c) => {
    const endpoint = await c.get("services").webhookEndpoints.get(c.req.valid("param").id);
    return c.json(view(endpoint, true), 200);
  });
}
