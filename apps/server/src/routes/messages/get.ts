import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, messageDetailSchema } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/v1/messages/{id}",
  operationId: "getMessage",
  summary: "Read one message",
  description:
    "Status, recipients, every attempt with its provider and error class, events and the routing trace.",
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: {
      description: "The message",
      content: { "application/json": { schema: messageDetailSchema } },
    },
    ...errorResponses(401, 404),
  },
});

/** `GET /v1/messages/:id`. */
export function registerGetMessage(app: App): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await c.get("services").messages.get(id, c.get("principal")), 200);
  });
}
