import { z } from "zod";

// Optional vendor fields read leniently: a field of an unexpected shape is dropped, not fatal,
// because the event itself is still worth recording (and `raw` keeps the field as sent).
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().catch(null);

const epoch = optional(z.number().nonnegative());

/**
 * The fields of one Brevo transactional event that mailroute reads
 * (https://developers.brevo.com/docs/transactional-webhooks); everything else stays in `raw`.
 */
export const brevoEventSchema = z
  .object({
    event: z.string().min(1),
    email: optional(z.string()),
    "message-id": optional(z.string()),
    /** UTC, documented in ms; docs-style samples carry seconds. */
    ts_epoch: epoch,
    /** UTC seconds, documented as the time of the event. */
    ts_event: epoch,
    /** On proxy opens only, in ms. */
    s_epoch: epoch,
    /** Seconds, in the account's timezone according to anymail. */
    ts: epoch,
    reason: optional(z.string()),
    link: optional(z.string()),
    tags: optional(z.array(z.string())),
    /** The `X-Mailin-Tag` header: a string, a JSON array in a string, or an array. */
    tag: optional(z.union([z.string(), z.array(z.string())])),
    /** The `X-Mailin-custom` header as sent: JSON metadata, or any text. */
    "X-Mailin-custom": optional(z.string()),
  })
  .refine(
    (event) =>
      [event.ts_epoch, event.ts_event, event.s_epoch, event.ts].some((value) => value != null),
    "has none of ts_epoch, ts_event, s_epoch or ts",
  );

/** One Brevo transactional event, as far as mailroute reads it. */
export type BrevoEvent = z.infer<typeof brevoEventSchema>;

/**
 * What `parse` hands to `toEvents`: the events of one request, untouched (one object, or an
 * array when the webhook is `batched`).
 */
export const brevoWebhookPayloadSchema = z.array(z.unknown());
