import { z } from "@hono/zod-openapi";
import { emailEventSchema, emailEventTypes } from "@mailroute/core";
import type { App } from "../../app-env";

/** What mailroute POSTs to an application's endpoint: one stored event, signed. */
export const outboundEventSchema = z
  .object({
    type: z.enum(emailEventTypes.map((type) => `message.${type}` as const)),
    /** When the event happened (the event's `occurredAt`). */
    timestamp: z.string(),
    data: emailEventSchema,
  })
  .openapi("OutboundEvent");

const signatureHeaders = z.object({
  "webhook-id": z.string().openapi({
    description: "The delivery's id: the same on every retry and replay, to dedupe on",
  }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds of this attempt" }),
  "webhook-signature": z.string().openapi({
    description:
      "`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per secret, space-separated (two during a rotation)",
  }),
});

/** Documents the outbound webhook in the OpenAPI document's `webhooks`, so clients can type it. */
export function registerOutboundEventWebhook(app: App): void {
  app.openAPIRegistry.registerWebhook({
    method: "post",
    path: "messageEvent",
    operationId: "receiveMessageEvent",
    summary: "A message event, sent to your endpoint",
    description:
      "Each stored event is POSTed to every enabled endpoint that subscribes to its type, signed the Standard Webhooks way with the endpoint's secret. Answer 2xx within 15 s; anything else is retried with backoff, and 410 disables the endpoint.",
    request: {
      headers: signatureHeaders,
      body: { content: { "application/json": { schema: outboundEventSchema } } },
    },
    responses: {
      200: { description: "Received: any 2xx answer counts" },
      410: { description: "Gone: mailroute disables the endpoint" },
    },
  });
}
