import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses } from "../schemas";
import { messageStatusSchema } from "./schema";

const route = createRoute({
  method: "post",
  path: "/v1/messages/{id}/release",
  operationId: "releaseMessage",
  summary: "Release a held message",
  description:
    "A message is held after two ambiguous tries at the same provider (route policy `retryThenHold`): the provider may have sent it. Releasing queues it again, still flagged as a possible duplicate.",
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: {
      description: "Queued again",
      content: { "application/json": { schema: messageStatusSchema } },
    },
    ...errorResponses(401, 403, 404, [409, "The message is not held"]),
  },
});

/** `POST /v1/messages/:id/release`. */
export function registerReleaseMessage(app: App): void {
  app.openapi(route, async (c) =>
    c.json(await c.get("services").messages.release(c.req.valid("param").id), 200),
  );
}
