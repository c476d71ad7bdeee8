import { createRoute, z } from "@hono/zod-openapi";
import { emailEventTypes } from "@mailroute/core";
import type { App } from "../../app-env";
import { errorResponses, listParameter } from "../schemas";

/** The most events a page may ask for, and the most with their raw provider payloads. */
const maxLimit = 1000;
const maxLimitWithRaw = 100;

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
    raw: z.unknown().optional().openapi({
      description: "The untouched provider payload; only with `include=raw`",
    }),
  })
  .openapi("Event");

const querySchema = z
  .object({
    after: z.string().optional(),
    type: listParameter(z.enum(emailEventTypes)),
    messageId: z.string().optional(),
    include: z.enum(["raw"]).optional(),
    limit: z.coerce.number().int().min(1).max(maxLimit).optional(),
  })
  .strict()
  .superRefine((query, context) => {
    if (query.include === "raw" && query.limit !== undefined && query.limit > maxLimitWithRaw) {
      context.addIssue({
        code: "custom",
        path: ["limit"],
        message: `must be at most ${maxLimitWithRaw} with include=raw`,
      });
    }
  });

const route = createRoute({
  method: "get",
  path: "/v1/events",
  operationId: "listEvents",
  summary: "The event feed (pull delivery reports)",
  description: `Oldest first after \`after\`. Keep the returned \`nextCursor\` and poll with it: the feed never skips or repeats an event, and an empty page still returns where to continue. Each event has every normalized field; its raw provider payload only with \`include=raw\`, where \`limit\` is at most ${maxLimitWithRaw} (default ${maxLimitWithRaw}; without it at most ${maxLimit}, default 100). A page also ends early, after at least one event, before it would pass about 1 MB: fewer events than \`limit\` does not mean the feed is caught up. Unknown query parameters are refused (400).`,
  request: { query: querySchema },
  responses: {
    200: {
      description: "A page of events",
      content: {
        "application/json": {
          schema: z.object({ data: z.array(eventSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** `GET /v1/events`. */
export function registerListEvents(app: App): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.get("services").events.list({
      after: query.after,
      types: query.type,
      messageId: query.messageId,
      include: query.include,
      limit: query.limit ?? (query.include ? maxLimitWithRaw : 100),
    });
    return c.json(page, 200);
  });
}
