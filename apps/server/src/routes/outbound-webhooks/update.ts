import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, jsonBody } from "../schemas";
import { endpointResponse, eventTypesSchema, idParams, view } from "./schema";

const route = createRoute({
  method: "patch",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "updateWebhookEndpoint",
  summary: "Change a webhook endpoint",
  description: "Enabling an endpoint mailroute disabled clears the reason and the failure run.",
  request: {
    params: idParams,
    body: jsonBody(
      z
        .object({
          url: z.url({ protocol: /^https?$/ }).optional(),
          description: z.string().max(500).nullable().optional(),
          eventTypes: eventTypesSchema.optional(),
          enabled: z.boolean().optional(),
        })
        .strict(),
    ),
  },
  responses: { 200: endpointResponse("Changed"), ...errorResponses(400, 401, 403, 404) },
});

/** `PATCH /v1/webhook-endpoints/:id`. */
export function registerUpdateWebhookEndpoint(app: App): void {
  app.openapi(route, async (c) => {
    const endpoint = await c
      .get("services")
      .webhookEndpoints.update(c.req.valid("param").id, c.req.valid("json"));
    return c.json(view(endpoint, false), 200);
  });
}
