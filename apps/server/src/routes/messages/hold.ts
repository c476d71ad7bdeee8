import { createRoute, z } from "@hono/zod-openapi";
import { MailrouteError } from "@mailroute/core";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";

const statusSchema = z.object({ id: z.string(), status: z.string() });

const release = createRoute({
  method: "post",
  path: "/v1/messages/{id}/release",
  operationId: "releaseMessage",
  summary: "Release a held message",
  description:
    "A message is held after two ambiguous tries at the same provider (route policy `retryThenHold`): the provider may have sent it. Releasing queues it again, still flagged as a possible duplicate.",
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: { description: "Queued again", content: { "application/json": { schema: statusSchema } } },
    ...errorResponses(401, 404, [409, "The message is not held"]),
  },
});

const cancel = createRoute({
  method: "post",
  path: "/v1/messages/{id}/cancel",
  operationId: "cancelMessage",
  summary: "Cancel a held, queued or scheduled message",
  description:
    "No further attempt is made: the message becomes `cancelled`, with a `cancelled` event for each recipient not yet sent (on the timeline, in the feed and to your webhook endpoints). A message being sent right now cannot be cancelled.",
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: { description: "Cancelled", content: { "application/json": { schema: statusSchema } } },
    ...errorResponses(401, 404, [
      409,
      "The message cannot be cancelled: it is being sent now, or it left the queue (sent, failed, cancelled…)",
    ]),
  },
});

/** `POST /v1/messages/:id/release` and `/cancel`. */
export function registerHoldRoutes(app: App): void {
  app.openapi(release, async (c) => {
    const { id } = c.req.valid("param");
    const { store, dispatcher } = c.get("services");
    const message = await store.getMessage(id);
    if (!message) {
      throw new MailrouteError("NOT_FOUND", `no message with id ${id}`);
    }
    if (!(await store.releaseMessage(id, new Date()))) {
      throw new MailrouteError("CONFLICT", `message ${id} is ${message.status}, not held`);
    }
    dispatcher.notify();
    return c.json({ id, status: "queued" }, 200);
  });
  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid("param");
    const { store } = c.get("services");
    const message = await store.getMessage(id);
    if (!message) {
      throw new MailrouteError("NOT_FOUND", `no message with id ${id}`);
    }
    if (!(await store.cancelMessage(id, new Date()))) {
      throw new MailrouteError(
        "CONFLICT",
        `message ${id} is ${message.status} and cannot be cancelled now`,
      );
    }
    return c.json({ id, status: "cancelled" }, 200);
  });
}
