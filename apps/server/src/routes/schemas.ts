import { z } from "@hono/zod-openapi";

/** The one error body every endpoint answers with. */
export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "VALIDATION_ERROR" }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
      requestId: z.string(),
    }),
  })
  .openapi("Error");

const errorDescriptions: Record<number, string> = {
  400: "Invalid input; `details` lists each field",
  401: "Missing, invalid or revoked API key",
  403: "The API key's scopes do not allow this route; the message names the scope it needs",
  404: "Not found",
  409: "A request with the same Idempotency-Key is in progress",
  413: "Body larger than the limit",
  415: "Body is not JSON",
  503: "The database refuses writes (`STORAGE_FULL`: out of space; `DATABASE_UNAVAILABLE`: read-only, I/O error or connection lost). Nothing was stored; repeat the request after `Retry-After` seconds",
  422: "Idempotency-Key reused with another body, an unsupported feature, or a stored template that does not render (`TEMPLATE_NOT_FOUND`, `TEMPLATE_DATA_MISSING`, `TEMPLATE_RENDER_FAILED`)",
};

/**
 * OpenAPI response entries for the usual errors: a status, or `[status, description]` where the
 * status means something else on this endpoint.
 */
export function errorResponses(...statuses: (number | [number, string])[]) {
  return Object.fromEntries(
    statuses.map((entry) => {
      const [status, description] =
        typeof entry === "number" ? [entry, errorDescriptions[entry] ?? "Error"] : entry;
      return [
        status,
        { description, content: { "application/json": { schema: errorResponseSchema } } },
      ];
    }),
  );
}

/** Accepts `a,b`, `?x=a&x=b` or a single value; always a list. */
export function listParameter<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      value === undefined
        ? undefined
        : (Array.isArray(value) ? value : [value]).flatMap((part) => String(part).split(",")),
    z.array(item).optional(),
  );
}

/** A required JSON request body of this schema. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  content: { "application/json": { schema } },
  required: true,
});

/** The query fields of a paged list: at most 100 items a page (50 by default) and where to go on. */
export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().optional(),
};

/** A page of results with the cursor of the next one. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}

const addressSchema = z.object({ email: z.string(), name: z.string().optional() });

/** A message in the log. */
export const messageSummarySchema = z
  .looseObject({
    id: z.string(),
    status: z.string(),
    from: addressSchema,
    to: z.array(addressSchema),
    subject: z.string(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.string()),
    provider: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    possibleDuplicate: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    sendAt: z.string().nullable(),
  })
  .openapi("MessageSummary");

/** A message with recipients, attempts, events and routing. */
export const messageDetailSchema = messageSummarySchema
  .extend({
    /** The open/click tracking switches the message or its route set; absent, the provider's default. */
    tracking: z
      .object({ opens: z.boolean().optional(), clicks: z.boolean().optional() })
      .optional(),
    recipients: z.array(z.object({ email: z.string(), status: z.string() })),
    attempts: z.array(
      z.looseObject({
        id: z.string(),
        provider: z.string(),
        outcome: z.string(),
        startedAt: z.string(),
        durationMs: z.number().nullable(),
        providerMessageId: z.string().nullable(),
        error: z
          .looseObject({ class: z.string(), reason: z.string(), message: z.string() })
          .nullable(),
      }),
    ),
    events: z.array(
      z.looseObject({
        id: z.string(),
        type: z.string(),
        recipient: z.string().nullable(),
        occurredAt: z.string(),
      }),
    ),
    routing: z
      .object({
        route: z.string(),
        plan: z.array(z.string()),
        skipped: z.array(
          z.object({ provider: z.string(), reason: z.string(), detail: z.string() }),
        ),
      })
      .nullable(),
    template: z
      .object({ id: z.string(), version: z.number().int() })
      .nullable()
      .openapi({ description: "The stored template and version the message was rendered from" }),
    contentPurgedAt: z.string().nullable().openapi({
      description:
        "When retention purged the message's content (see `retention.content`): `text` and `html` are null since, and `attachments` keep their names, types and sizes only. Null while the content is kept.",
    }),
  })
  .openapi("MessageDetail");
