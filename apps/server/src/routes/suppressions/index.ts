import { createRoute, z } from "@hono/zod-openapi";
import { isEmailAddress, MailrouteError, suppressionReasons } from "@mailroute/core";
import type { App } from "../../app-env";
import { errorResponses, pageSchema } from "../schemas";

const suppressionSchema = z
  .object({
    email: z.string(),
    reason: z.enum(suppressionReasons),
    provider: z.string().nullable(),
    eventId: z.string().nullable(),
    messageId: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Suppression");

const emailSchema = z
  .string()
  .refine((value) => isEmailAddress(value), "is not a valid email address");

const list = createRoute({
  method: "get",
  path: "/v1/suppressions",
  operationId: "listSuppressions",
  summary: "List suppressed addresses",
  description:
    "Shared by every provider: hard bounces, complaints, unsubscribes, provider refusals and manual entries. Newest first; a page ends early before it would pass about 1 MB (follow `nextCursor`). Unknown query parameters are refused (400).",
  request: {
    query: z
      .object({
        email: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().optional(),
      })
      .strict(),
  },
  responses: {
    200: {
      description: "A page of suppressions",
      content: { "application/json": { schema: pageSchema(suppressionSchema) } },
    },
    ...errorResponses(400, 401),
  },
});

const add = createRoute({
  method: "post",
  path: "/v1/suppressions",
  operationId: "addSuppression",
  summary: "Suppress an address",
  request: {
    body: {
      content: {
        "application/json": {
          schema: z.object({ email: emailSchema, note: z.string().max(1000).optional() }).strict(),
        },
      },
      required: true,
    },
  },
  responses: {
    201: { description: "Added", content: { "application/json": { schema: suppressionSchema } } },
    200: {
      description: "Already suppressed (the first entry is kept)",
      content: { "application/json": { schema: suppressionSchema } },
    },
    ...errorResponses(400, 401),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/suppressions/{email}",
  operationId: "removeSuppression",
  summary: "Lift a suppression",
  request: { params: z.object({ email: z.string() }) },
  responses: { 204: { description: "Removed" }, ...errorResponses(401, 404) },
});

/** `GET·POST·DELETE /v1/suppressions`. */
export function registerSuppressionRoutes(app: App): void {
  app.openapi(list, async (c) =>
    c.json(await c.get("services").store.listSuppressions(c.req.valid("query")), 200),
  );
  app.openapi(add, async (c) => {
    const { store } = c.get("services");
    const body = c.req.valid("json");
    const created = await store.addSuppression({
      email: body.email,
      reason: "manual",
      provider: null,
      eventId: null,
      messageId: null,
      note: body.note ?? null,
      at: new Date(),
    });
    const [entry] = await store.findSuppressions([body.email]);
    if (!entry) {
      throw new MailrouteError("INTERNAL_ERROR", "suppression was not stored");
    }
    return created ? c.json(entry, 201) : c.json(entry, 200);
  });
  app.openapi(remove, async (c) => {
    const { email } = c.req.valid("param");
    if (!(await c.get("services").store.removeSuppression(email))) {
      throw new MailrouteError("NOT_FOUND", `${email} is not suppressed`);
    }
    return c.body(null, 204);
  });
}
