import { z } from "zod";

const isDate = (value: string) => !Number.isNaN(Date.parse(value));

// Optional vendor fields read leniently: a field of an unexpected shape is dropped, not fatal,
// because the event itself is still worth recording (and `raw` keeps the field as sent).
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().catch(null);

/**
 * What every Resend event has, whatever it concerns (`email.*`, `contact.*`, `domain.*`): a body
 * without it is not Resend's (https://resend.com/docs/webhooks/event-types).
 */
export const resendEventEnvelopeSchema = z.object({
  type: z.string().min(1),
  created_at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/**
 * The fields of a Resend `email.*` event that mailroute reads
 * (https://resend.com/docs/webhooks/event-types); everything else stays in `raw`.
 */
export const resendEmailEventSchema = z.object({
  type: z.string().startsWith("email."),
  /** When the event happened (not `data.created_at`, which is when the email was created). */
  created_at: z.string().refine(isDate, "must be an ISO 8601 date"),
  data: z.object({
    email_id: z.string().min(1),
    to: optional(z.array(z.string())),
    headers: optional(z.array(z.object({ name: z.string(), value: z.string() }))),
    tags: optional(
      z.union([
        z.record(z.string(), z.string()),
        z.array(z.object({ name: z.string(), value: z.string() })),
      ]),
    ),
    bounce: optional(
      z.object({
        message: optional(z.string()),
        type: optional(z.string()),
        subType: optional(z.string()),
        diagnosticCode: optional(z.union([z.string(), z.array(z.string())])),
      }),
    ),
    click: optional(z.object({ link: optional(z.string()), userAgent: optional(z.string()) })),
    failed: optional(z.object({ reason: optional(z.string()) })),
  }),
});

/** A Resend `email.*` event, as far as mailroute reads it. */
export type ResendEmailEvent = z.infer<typeof resendEmailEventSchema>;

/**
 * What `parse` hands to `toEvents`: the body as received, plus the `svix-id` header (Resend's
 * per-event id lives only in the header, and `toEvents` sees no headers).
 */
export const resendWebhookPayloadSchema = z.object({
  /** The `svix-id` header; the same on every retry of one event. */
  webhookId: z.string().nullable(),
  /** The parsed JSON body, untouched. */
  body: z.unknown(),
});

/** What `parse` hands to `toEvents`. */
export type ResendWebhookPayload = z.infer<typeof resendWebhookPayloadSchema>;
