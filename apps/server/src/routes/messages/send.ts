import { createRoute, z } from "@hono/zod-openapi";
import { sendMessageSchema } from "@mailroute/core";
import type { App } from "../../app-env";
import { readJsonBody } from "../json-body";
import { errorResponses } from "../schemas";

const route = createRoute({
  method: "post",
  path: "/v1/messages",
  operationId: "sendMessage",
  summary: "Send one message",
  description:
    "Stores the message durably and queues it for dispatch; answers only after the commit. An `Idempotency-Key` header makes retries safe for 24 hours. A `sendAt` ahead answers `scheduled` (at most `server.sendAtHorizonDays`, 30 by default, ahead); one in the past is sent at once. With `template: {id, version?, data}` (id or name) instead of `subject`/`html`/`text`, the stored template is rendered now, at accept: the message keeps the rendered parts, so a later edit never changes it and every provider sends the same bytes.",
  request: {
    headers: z.object({ "idempotency-key": z.string().optional() }),
    body: { content: { "application/json": { schema: sendMessageSchema } }, required: true },
  },
  responses: {
    202: {
      description: "Accepted and stored",
      content: {
        "application/json": {
          schema: z.object({ id: z.string(), status: z.enum(["queued", "scheduled"]) }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 503),
  },
});

/**
 * `POST /v1/messages`. The hottest route: documented from `route` but validated by one
 * synchronous step instead of the generic chain of validator middlewares, with the same errors.
 */
export function registerSendMessage(app: App): void {
  app.openAPIRegistry.registerPath(route);
  app.post(route.path, async (c) => {
    const result = await c.get("services").messages.send({
      input: await readJsonBody(c, sendMessageSchema),
      principal: c.get("principal").keyId,
      idempotencyKey: c.req.header("idempotency-key"),
    });
    if (result.replayed) {
      c.header("Idempotent-Replayed", "true");
    }
    return c.json(result.body, 202);
  });
}
