import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, pageQueryShape, pageSchema } from "../schemas";
import { deliverySchema, idParams } from "./schema";

const route = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  summary: "List an endpoint's deliveries with every attempt",
  description:
    "Newest first. A page ends early, after at least one delivery, before it would pass about 1 MB; follow `nextCursor`. Unknown query parameters are refused (400).",
  request: {
    params: idParams,
    query: z
      .object({
        status: z.enum(["pending", "delivered", "failed"]).optional(),
        ...pageQueryShape,
      })
      .strict(),
  },
  responses: {
    200: {
      description: "A page of deliveries",
      content: { "application/json": { schema: pageSchema(deliverySchema) } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

/** `GET /v1/webhook-endpoints/:id/deliveries`. */
export function registerListWebhookDeliveries(app: App): void {
  app.openapi(route, async (c) => {
    const page = await c
      .get("services")
      .webhookEndpoints.listDeliveries(c.req.valid("param").id, c.req.valid("query"));
    return c.json(page, 200);
  });
}
