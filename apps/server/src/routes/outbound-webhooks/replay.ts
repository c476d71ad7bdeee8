import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, jsonBody } from "../schemas";
import { idParams } from "./schema";

const route = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/replay",
  operationId: "replayWebhookDeliveries",
  summary: "Deliver again: one delivery, or every delivery created in a time range",
  description:
    "A replay keeps the delivery's `webhook-id`, so a receiver that already has it can drop the copy.",
  request: {
    params: idParams,
    body: jsonBody(
      z.union([
        z.object({ deliveryId: z.string().min(1) }).strict(),
        z
          .object({
            since: z.iso.datetime({ offset: true }),
            until: z.iso.datetime({ offset: true }),
          })
          .strict(),
      ]),
    ),
  },
  responses: {
    202: {
      description: "Queued again",
      content: { "application/json": { schema: z.object({ replayed: z.number() }) } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

/** `POST /v1/webhook-endpoints/:id/replay`. */
export function registerReplayWebhookDeliveries(app: App): void {
  app.openapi(route, async (c) => {
    const result = await c
      .get("services")
      .webhookEndpoints.replay(c.req.valid("param").id, c.req.valid("json"));
    return c.json(result, 202);
  });
}
