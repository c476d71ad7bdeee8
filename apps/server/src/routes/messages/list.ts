import { createRoute, z } from "@hono/zod-openapi";
import { messageStatuses } from "@mailroute/core";
import type { App } from "../../app-env";
import {
  errorResponses,
  listParameter,
  messageSummarySchema,
  pageQueryShape,
  pageSchema,
} from "../schemas";

const querySchema = z
  .object({
    status: listParameter(z.enum(messageStatuses)),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    to: z.string().optional(),
    from: z.string().optional(),
    tag: z.string().optional(),
    provider: z.string().optional(),
    id: listParameter(z.string()),
    ...pageQueryShape,
  })
  .strict();

const route = createRoute({
  method: "get",
  path: "/v1/messages",
  operationId: "listMessages",
  summary: "List messages (the log)",
  description:
    "Newest first. Repeat `status` or `id`, or separate values with commas. Summaries only (no bodies): `GET /v1/messages/{id}` has the rest. A page also ends early, after at least one message, before it would pass about 1 MB; follow `nextCursor`. Unknown query parameters are refused (400).",
  request: { query: querySchema },
  responses: {
    200: {
      description: "A page of messages",
      content: { "application/json": { schema: pageSchema(messageSummarySchema) } },
    },
    ...errorResponses(400, 401),
  },
});

/** `GET /v1/messages`. */
export function registerListMessages(app: App): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.get("services").messages.list(
      {
        status: query.status,
        since: query.since ? new Date(query.since) : undefined,
        until: query.until ? new Date(query.until) : undefined,
        to: query.to,
        from: query.from,
        tag: query.tag,
        provider: query.provider,
        ids: query.id,
        limit: query.limit,
        cursor: query.cursor,
      },
      c.get("principal"),
    );
    return c.json(page, 200);
  });
}
