import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../app-env";
import { errorResponses, pageSchema } from "../schemas";

/** The most captures a page may ask for, and the most with their whole messages. */
const maxLimit = 100;
const maxLimitWithContent = 10;

const addressSchema = z.object({ email: z.string(), name: z.string().optional() });

const captureSchema = z
  .looseObject({
    id: z.string(),
    messageId: z.string(),
    provider: z.string(),
    capturedAt: z.string(),
    requests: z.number(),
    size: z.number().openapi({ description: "Bytes of the whole captured message as JSON" }),
    message: z
      .looseObject({
        from: addressSchema,
        to: z.array(addressSchema),
        cc: z.array(addressSchema),
        bcc: z.array(addressSchema),
        subject: z.string(),
        attachments: z.array(z.looseObject({ filename: z.string() })),
      })
      .openapi({
        description:
          "Addresses, subject and attachment names and sizes; with `include=content`, the whole message as the provider received it (bodies, headers, attachment contents)",
      }),
  })
  .openapi("CapturedMessage");

const querySchema = z
  .object({
    messageId: z.string().optional(),
    include: z.enum(["content"]).optional(),
    limit: z.coerce.number().int().min(1).max(maxLimit).optional(),
    cursor: z.string().optional(),
  })
  .strict()
  .superRefine((query, context) => {
    if (
      query.include === "content" &&
      query.limit !== undefined &&
      query.limit > maxLimitWithContent
    ) {
      context.addIssue({
        code: "custom",
        path: ["limit"],
        message: `must be at most ${maxLimitWithContent} with include=content`,
      });
    }
  });

const route = createRoute({
  method: "get",
  path: "/v1/captures",
  operationId: "listCaptures",
  summary: "List messages kept by capture providers",
  description: `What a \`capture\` provider received instead of sending, newest first, as summaries: no bodies or attachment contents. \`include=content\` answers the whole messages, with \`limit\` at most ${maxLimitWithContent} (default ${maxLimitWithContent}; without it at most ${maxLimit}, default 50); \`?messageId=…&include=content\` reads one message's capture. A page also ends early, after at least one capture, before it would pass about 1 MB; follow \`nextCursor\`. Unknown query parameters are refused (400).`,
  request: { query: querySchema },
  responses: {
    200: {
      description: "A page of captured messages",
      content: { "application/json": { schema: pageSchema(captureSchema) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** `GET /v1/captures`. */
export function registerListCaptures(app: App): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.get("services").captures.list({
      messageId: query.messageId,
      include: query.include,
      limit: query.limit ?? (query.include ? maxLimitWithContent : 50),
      cursor: query.cursor,
    });
    return c.json(page, 200);
  });
}
