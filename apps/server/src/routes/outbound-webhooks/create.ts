import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, jsonBody } from "../schemas";
import { endpointResponse, eventTypesSchema, view } from "./schema";

const route = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints",
  operationId: "createWebhookEndpoint",
  summary: "Add a webhook endpoint",
  description:
    "Every normalized event (including queued, sent, failed and rejected) goes to each matching enabled endpoint, signed the Standard Webhooks way with the endpoint's `whsec_` secret. The URL is resolved and refused when it points at a loopback, private, link-local or metadata address.",
  request: {
    body: jsonBody(
      z
        .object({
          url: z.url({ protocol: /^https?$/ }),
          description: z.string().max(500).optional(),
          eventTypes: eventTypesSchema.optional(),
          enabled: z.boolean().default(true),
        })
        .strict(),
    ),
  },
  responses: {
    201: endpointResponse("Created, with its secret"),
    ...errorResponses(400, 401, 403),
  },
});

/** `POST /v1/webhook-endpoints`. */
export function registerCreateWebhookEndpoint(app: App): void {
  app.openapi(route, async (c) => {
    const endpoint = await c.get("services").webhookEndpoints.create(c.req.valid("json"));
    return c.json(view(endpoint, true), 201);
  });
}
