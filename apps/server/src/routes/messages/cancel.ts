import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { messageStatusSchema } from "./schema";

const route = createRoute({
  method: "post",
  path: "/v1/messages/{id}/cancel",
  operationId: "cancelMessage",
  summary: "Cancel a held, queued or scheduled message",
  description:
    "No further attempt is made: the message becomes `cancelled`, with a `cancelled` event for each recipient not yet sent (on the timeline, in the feed and to your webhook endpoints). A message being sent right now cannot be cancelled.",
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: {
      description: "Cancelled",
      content: { "application/json": { schema: messageStatusSchema } },
    },
    ...errorResponses(401, 403, 404, [
      409,
      "The message cannot be cancelled: it is being sent now, or it left the queue (sent, failed, cancelled…)",
    ]),
  },
});

/** `POST /v1/messages/:id/cancel`. */
export function registerCancelMessage(app: App): void {
  app.openapi(route, async (c) =>
    c.json(await c.get("services").messages.cancel(c.req.valid("param").id), 200),
  );
}
