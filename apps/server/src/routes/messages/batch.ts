import { createRoute, z } from "@hono/zod-openapi";
import { batchLimits, sendBatchSchema, sendMessageSchema } from "@mailroute/core";
import type { App } from "../../app-env";
import { readJsonBody } from "../json-body";
import { errorResponseSchema, errorResponses } from "../schemas";

const itemResultSchema = z.union([
  z.object({
    index: z.number().int(),
    id: z.string(),
    status: z.enum(["queued", "scheduled"]),
  }),
  z.object({
    index: z.number().int(),
    error: errorResponseSchema.shape.error.omit({ requestId: true }),
  }),
]);

const route = createRoute({
  method: "post",
  path: "/v1/messages/batch",
  operationId: "sendMessageBatch",
  summary: "Send up to 500 messages at once",
  description: `Each of the 1 to ${batchLimits.maxMessages} messages is validated and completed on its own, exactly as \`POST /v1/messages\` would: the answer has one result per message, in request order, either its \`id\` and \`status\` or the \`error\` (code, message, details) a single send of it would have answered. Every valid message is stored in ONE durable transaction before the answer: after a crash, all of them exist or none. A batch whose every message is invalid answers 200 too, with an error for each, and stores no message. An \`Idempotency-Key\` covers the whole batch for 24 hours, whatever its results: the same key and body replay the stored answer (\`Idempotent-Replayed: true\`), another body answers 422 and a duplicate still in progress 409. An envelope that is not \`{ "messages": [...] }\` with 1 to ${batchLimits.maxMessages} items answers 400 and stores nothing; the whole body is bounded by \`server.bodyLimitBytes\` (413).`,
  request: {
    headers: z.object({ "idempotency-key": z.string().optional() }),
    body: {
      content: {
        "application/json": {
          schema: z
            .object({
              messages: z.array(sendMessageSchema).min(1).max(batchLimits.maxMessages),
            })
            .strict(),
        },
      },
      required: true,
    },
  },
  responses: {
    200: {
      description: "Each message's result, in request order; the valid ones are stored",
      content: { "application/json": { schema: z.object({ data: z.array(itemResultSchema) }) } },
    },
    ...errorResponses(
      [
        400,
        `The envelope is invalid: not \`{ messages: [...] }\`, or not 1 to ${batchLimits.maxMessages} items`,
      ],
      401,
      403,
      409,
      413,
      415,
      [422, "The Idempotency-Key was used with another body in the last 24 hours"],
      503,
    ),
  },
});

/**
 * `POST /v1/messages/batch`. Documented from `route` and validated in one step like the single
 * send; registered before `/v1/messages/:id`'s routes so the path is never taken for an id.
 */
export function registerSendMessageBatch(app: App): void {
  app.openAPIRegistry.registerPath(route);
  app.post(route.path, async (c) => {
    const result = await c.get("services").messages.sendBatch({
      messages: (await readJsonBody(c, sendBatchSchema)).messages,
      principal: c.get("principal").keyId,
      idempotencyKey: c.req.header("idempotency-key"),
    });
    if (result.replayed) {
      c.header("Idempotent-Replayed", "true");
    }
    return c.json(result.body, 200);
  });
}
