import { createRoute, z } from "@hono/zod-openapi";
import { emailEventTypes } from "@mailroute/core";
import type { App } from "../../app-env";
import { errorResponses, listParameter } from "../schemas";

const eventSchema = z
  .looseObject({
    id: z.string(),
    messageId: z.string().nullable(),
    provider: z.string(),
    providerType: z.string(),
    type: z.string(),
    recipient: z.string().nullable(),
    occurredAt: z.string(),
    receivedAt: z.string(),
  })
  .openapi("Event");

const route = createRoute({
  method: "get",
  path: "/v1/events",
  operationId: "listEvents",
  summary: "The event feed (pull delivery reports)",
  description:
    "Oldest first after `after`. Keep the returned `nextCursor` and poll with it: the feed never skips or repeats an event, and an empty page still returns where to continue.",
  request: {
    query: z.object({
      after: z.string().optional(),
      type: listParameter(z.enum(emailEventTypes)),
      messageId: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: {
      description: "A page of events",
      content: {
        "application/json": {
          schema: z.object({ data: z.array(eventSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    ...errorResponses(400, 401),
  },
});

/** `GET /v1/events`. */
export function registerEventRoutes(app: App): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.get("services").store.listEvents({
      after: query.after,
      types: query.type,
      messageId: query.messageId,
      limit: query.limit,
    });
    return c.json(page, 200);
  });
}
