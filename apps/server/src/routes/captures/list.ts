import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, pageSchema } from "../schemas";

const captureSchema = z
  .looseObject({
    id: z.string(),
    messageId: z.string(),
    provider: z.string(),
    capturedAt: z.string(),
    requests: z.number(),
    message: z.looseObject({ subject: z.string() }),
  })
  .openapi("CapturedMessage");

const route = createRoute({
  method: "get",
  path: "/v1/captures",
  operationId: "listCaptures",
  summary: "List messages kept by capture providers",
  description: "What a `capture` provider received instead of sending, newest first.",
  request: {
    query: z.object({
      messageId: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      cursor: z.string().optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of captured messages",
      content: { "application/json": { schema: pageSchema(captureSchema) } },
    },
    ...errorResponses(400, 401),
  },
});

/** `GET /v1/captures`. */
export function registerCaptureRoutes(app: App): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    return c.json(await c.get("services").store.listCaptures(query), 200);
  });
}
