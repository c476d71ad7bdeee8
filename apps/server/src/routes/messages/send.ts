import { createRoute, z } from "@hono/zod-openapi";
import { sendMessageSchema } from "@mailroute/core";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/v1/messages",
  summary: "Send one message",
  description:
    "Stores the message durably and queues it for dispatch; answers only after the commit. An `Idempotency-Key` header makes retries safe for 24 hours.",
  request: {
    headers: z.object({ "idempotency-key": z.string().optional() }),
    body: { content: { "application/json": { schema: sendMessageSchema } }, required: true },
  },
  responses: {
    202: {
      description: "Accepted and stored",
      content: {
        "application/json": { schema: z.object({ id: z.string(), status: z.literal("queued") }) },
      },
    },
    ...errorResponses(400, 401, 409, 413, 415, 422),
  },
});

/** `POST /v1/messages`. */
export function registerSendMessage(app: App): void {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const result = await services.sendMessage({
      input: c.req.valid("json"),
      rawBody: await c.req.text(),
      principal: c.get("principal").keyId,
      idempotencyKey: c.req.header("idempotency-key"),
    });
    if (result.replayed) {
      c.header("Idempotent-Replayed", "true");
    }
    return c.json(result.body as { id: string; status: "queued" }, 202);
  });
}
