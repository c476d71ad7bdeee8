import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, jsonBody } from "../schemas";
import { endpointResponse, idParams, view } from "./schema";

const route = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/rotate-secret",
  operationId: "rotateWebhookEndpointSecret",
  summary: "Rotate the signing secret",
  description:
    "Deliveries carry signatures by both the new and the old secret until the grace period ends (24 h by default).",
  request: {
    params: idParams,
    body: jsonBody(
      z.object({ graceSeconds: z.number().int().min(0).max(604_800).default(86_400) }).strict(),
    ),
  },
  responses: {
    200: endpointResponse("The endpoint with its new secret"),
    ...errorResponses(400, 401, 403, 404),
  },
});

/** `POST /v1/webhook-endpoints/:id/rotate-secret`. */
export function registerRotateWebhookEndpointSecret(app: App): void {
  app.openapi(route, async (c) => {
    const endpoint = await c
      .get("services")
      .webhookEndpoints.rotateSecret(c.req.valid("param").id, c.req.valid("json").graceSeconds);
    return c.json(view(endpoint, true), 200);
  });
}
