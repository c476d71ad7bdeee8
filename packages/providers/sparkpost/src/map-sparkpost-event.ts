import {
  type BounceClass,
  bareAddressOf,
  bounceClassOfSmtpStatus,
  type EmailEventType,
  type ProviderEvent,
  parseWebhookBatch,
  parseWrappedSmtpReply,
  toStringMetadata,
  WebhookPayloadError,
} from "@mailroute/core";
import { z } from "zod";

const textOrNumber = z.union([z.string(), z.number()]);

/**
 * One batch item: `msys` holds one event class (`message_event`, `track_event`…) whose event
 * names its `type`, or nothing (SparkPost's ping).
 */
export const sparkPostItemSchema = z.object({
  msys: z
    .record(z.string(), z.looseObject({ type: z.string().min(1) }))
    .refine((msys) => Object.keys(msys).length <= 1, "holds more than one event class"),
});

/** The fields of one SparkPost event that mailroute reads. */
export const sparkPostEventSchema = z.object({
  type: z.string().nullish(),
  /** Unix seconds as text, or (generation events) an ISO 8601 string. */
  timestamp: textOrNumber.nullish(),
  transmission_id: textOrNumber.nullish(),
  event_id: textOrNumber.nullish(),
  rcpt_to: z.string().nullish(),
  raw_rcpt_to: z.string().nullish(),
  bounce_class: textOrNumber.nullish(),
  error_code: textOrNumber.nullish(),
  raw_reason: z.string().nullish(),
  reason: z.string().nullish(),
  rcpt_meta: z.record(z.string(), z.unknown()).nullish(),
  campaign_id: z.string().nullish(),
  target_link_url: z.string().nullish(),
  user_agent: z.string().nullish(),
});

/** One SparkPost event, as far as mailroute reads it. */
export type SparkPostEvent = z.infer<typeof sparkPostEventSchema>;

// https://developers.sparkpost.com/api/webhooks/#header-event-types; relay_* (inbound relay),
// ingest_*, ab_test_* and sms_* types fall through to unknown.
const eventTypes = new Map<string, EmailEventType>([
  // Accepted by SparkPost, not yet delivered.
  ["injection", "queued"],
  ["delivery", "delivered"],
  ["bounce", "bounced"],
  // A bounce reported after the receiver had accepted the message (anymail: BOUNCED).
  ["out_of_band", "bounced"],
  ["delay", "deferred"],
  // SparkPost's own policy refused the recipient before sending (anymail: REJECTED).
  ["policy_rejection", "rejected"],
  ["spam_complaint", "complained"],
  ["open", "opened"],
  ["amp_open", "opened"],
  // SparkPost also sends `open` for the first open; anymail reports initial opens only when
  // SPARKPOST_TRACK_INITIAL_OPEN_AS_OPENED is set, so they would otherwise count twice.
  ["initial_open", "unknown"],
  ["amp_initial_open", "unknown"],
  ["click", "clicked"],
  ["amp_click", "clicked"],
  // Template rendering failed (anymail: FAILED).
  ["generation_failure", "failed"],
  // Refused at generation, e.g. a suppressed recipient (anymail: REJECTED).
  ["generation_rejection", "rejected"],
  ["list_unsubscribe", "unsubscribed"],
  ["link_unsubscribe", "unsubscribed"],
]);

// https://support.sparkpost.com/docs/deliverability/bounce-classification-codes: the doc's
// category (Hard, Soft, Block, Admin, Undetermined) gives the class; `type` overrides the event
// type where anymail's table does. `bySmtpStatus` marks SparkPost's catch-alls: the class the
// SMTP status implies wins over theirs, as it does for an unlisted or missing bounce_class.
const bounceClassTable = new Map<
  string,
  { bounce: BounceClass; type?: EmailEventType; bySmtpStatus?: true }
>([
  // Undetermined: SparkPost could not read the response.
  ["1", { bounce: "undetermined", bySmtpStatus: true }],
  ["10", { bounce: "hard" }], // Invalid Recipient
  ["20", { bounce: "soft" }],
  ["21", { bounce: "soft" }], // DNS Failure
  ["22", { bounce: "soft" }], // Mailbox Full
  ["23", { bounce: "soft" }], // Too Large
  ["24", { bounce: "soft" }], // Timeout
  // Admin: failed by SparkPost's configured policies (anymail: BLOCKED).
  ["25", { bounce: "block" }],
  ["26", { bounce: "block" }], // Smart Send Suppression (Admin)
  ["30", { bounce: "hard" }], // Generic Bounce: No RCPT
  ["40", { bounce: "soft", bySmtpStatus: true }], // Generic Bounce: "unspecified reasons"
  ["50", { bounce: "block" }], // Mail Block
  ["51", { bounce: "block" }], // Spam Block
  ["52", { bounce: "block" }], // Spam Content
  ["53", { bounce: "block" }], // Prohibited Attachment
  ["54", { bounce: "block" }], // Relaying Denied
  // An auto-reply or vacation message, not a failure (anymail: AUTORESPONDED).
  ["60", { bounce: "soft", type: "autoresponded" }],
  ["70", { bounce: "soft" }], // Transient Failure
  // A subscribe request (anymail: SUBSCRIBED, which mailroute has no type for).
  ["80", { bounce: "undetermined", type: "unknown" }],
  // An unsubscribe request sent as a reply (anymail: UNSUBSCRIBED).
  ["90", { bounce: "hard", type: "unsubscribed" }],
  // A challenge-response probe (anymail: AUTORESPONDED).
  ["100", { bounce: "soft", type: "autoresponded" }],
]);

/** When the provider gives no usable time: null, and the server records when it received the event. */
const unknownOccurredAt = null;

function classify(
  event: SparkPostEvent,
  smtp: Pick<ProviderEvent, "smtpCode" | "enhancedStatus">,
): { type: EmailEventType; bounce: BounceClass | null } {
  const type = eventTypes.get(event.type ?? "") ?? "unknown";
  if (type !== "bounced") {
    return { type, bounce: null };
  }
  const row = bounceClassTable.get(String(event.bounce_class ?? ""));
  const finalType = row?.type ?? type;
  if (finalType !== "bounced") {
    return { type: finalType, bounce: null };
  }
  const bounce =
    row === undefined || row.bySmtpStatus
      ? bounceClassOfSmtpStatus(smtp, row?.bounce ?? "undetermined")
      : row.bounce;
  return { type: finalType, bounce };
}

function occurredAtOf(timestamp: SparkPostEvent["timestamp"]): string | null {
  let milliseconds = Number.NaN;
  if (typeof timestamp === "number") {
    milliseconds = timestamp * 1000;
  } else if (typeof timestamp === "string") {
    milliseconds = /^\d+(\.\d+)?$/.test(timestamp)
      ? Number(timestamp) * 1000
      : Date.parse(timestamp);
  }
  const date = new Date(milliseconds);
  return Number.isNaN(date.getTime()) ? unknownOccurredAt : date.toISOString();
}

function textOf(value: string | number | null | undefined): string | null {
  return value == null || value === "" ? null : String(value);
}

function smtpOf(event: SparkPostEvent, reason: string | null) {
  const reply = parseWrappedSmtpReply(reason);
  const code = Number(textOf(event.error_code) ?? reply.smtpCode ?? Number.NaN);
  return { smtpCode: Number.isInteger(code) ? code : null, enhancedStatus: reply.enhancedStatus };
}

function mapSparkPostEvent(event: SparkPostEvent, raw: unknown): ProviderEvent {
  // `raw_reason` is the receiver's text; `reason` is SparkPost's redacted copy of it.
  const reason = event.raw_reason || event.reason || null;
  // `rcpt_meta` holds the message and recipient metadata merged.
  const { mailroute_id: mailrouteId, ...metadata } = toStringMetadata(event.rcpt_meta);
  const eventId = textOf(event.event_id);
  const smtp = smtpOf(event, reason);
  return {
    ...classify(event, smtp),
    // `rcpt_to` is lowercased by SparkPost; engagement events carry only `raw_rcpt_to`.
    recipient: bareAddressOf(event.rcpt_to ?? event.raw_rcpt_to),
    occurredAt: occurredAtOf(event.timestamp),
    // The transmission id is what the send API returns; `message_id` is SparkPost-internal.
    providerMessageId: textOf(event.transmission_id),
    providerEventId: eventId,
    mailrouteId: mailrouteId ?? null,
    reason,
    ...smtp,
    url: event.target_link_url || null,
    userAgent: event.user_agent || null,
    // The transmission's campaign_id is the sender's label; rcpt_tags come from recipient lists.
    tags: event.campaign_id ? [event.campaign_id] : [],
    metadata,
    // One SparkPost event covers one recipient, so its event_id alone identifies it.
    dedupeKey: eventId,
    raw,
  };
}

/** The event inside one checked batch item, or null for an empty `msys` (SparkPost's ping). */
function unwrap(item: z.output<typeof sparkPostItemSchema>, index: number): SparkPostEvent | null {
  const [event] = Object.values(item.msys);
  if (event === undefined) {
    return null;
  }
  const parsedEvent = sparkPostEventSchema.safeParse(event);
  if (!parsedEvent.success) {
    throw new WebhookPayloadError(`SparkPost item ${index} has a field of an unexpected type`, {
      cause: parsedEvent.error,
    });
  }
  return parsedEvent.data;
}

/**
 * The events of a batch, each with its untouched item, pings skipped. Throws
 * `WebhookPayloadError` for any other shape, an empty batch included: SparkPost never posts one.
 */
export function readSparkPostBatch(payload: unknown): { item: unknown; event: SparkPostEvent }[] {
  const items = parseWebhookBatch(payload, { provider: "SparkPost", event: sparkPostItemSchema });
  return items.flatMap(({ raw, event: item }, index) => {
    const event = unwrap(item, index);
    return event === null ? [] : [{ item: raw, event }];
  });
}

/** Maps a SparkPost batch (one event per recipient, pings skipped) to normalized events. */
export function mapSparkPostEvents(payload: unknown): ProviderEvent[] {
  return readSparkPostBatch(payload).map(({ item, event }) => mapSparkPostEvent(event, item));
}
