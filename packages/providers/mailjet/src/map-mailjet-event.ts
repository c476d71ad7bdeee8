import {
  type BounceClass,
  bareAddressOf,
  bounceClassOfSmtpStatus,
  type EmailEventType,
  type ProviderEvent,
  parseWrappedSmtpReply,
  toStringMetadata,
  WebhookPayloadError,
} from "@mailroute/core";
import { z } from "zod";
import { parseMailjetJson } from "./mailjet-json";

const numberOrText = z.union([z.number(), z.string()]);

/** The fields of one Mailjet event callback item that mailroute reads. */
export const mailjetEventSchema = z.object({
  event: z.string().min(1),
  /** Every callback item is one recipient's event; an item without one is not Mailjet's. */
  email: z.string(),
  /** Unix seconds. */
  time: numberOrText.nullish(),
  /** A decimal string when it exceeds 2^53 (see `parseMailjetJson`). */
  MessageID: numberOrText.nullish(),
  customcampaign: z.string().nullish(),
  /** The sender's `EventPayload`, as text. */
  Payload: z.string().nullish(),
  smtp_reply: z.string().nullish(),
  comment: z.string().nullish(),
  error_related_to: z.string().nullish(),
  error: z.string().nullish(),
  hard_bounce: z.boolean().nullish(),
  url: z.string().nullish(),
  agent: z.string().nullish(),
});

type MailjetEvent = z.infer<typeof mailjetEventSchema>;

// https://dev.mailjet.com/email/guides/webhooks/#event-types
const eventTypes = new Map<string, EmailEventType>([
  // "sent" means the receiving MTA accepted the message (anymail maps it to DELIVERED).
  ["sent", "delivered"],
  ["open", "opened"],
  ["click", "clicked"],
  ["bounce", "bounced"],
  // Mailjet refused to send (preblocked, typofix, duplicate…): nothing reached a server.
  ["blocked", "rejected"],
  ["spam", "complained"],
  ["unsub", "unsubscribed"],
]);

/** When the provider gives no usable time: null, and the server records when it received the event. */
const unknownOccurredAt = null;

function typeOf(event: MailjetEvent): EmailEventType {
  const type = eventTypes.get(event.event) ?? "unknown";
  // Greylisting is temporary and Mailjet retries it (anymail reports it as DEFERRED).
  if (type === "bounced" && event.error === "greylisted" && event.hard_bounce !== true) {
    return "deferred";
  }
  return type;
}

/**
 * `hard_bounce` only says whether the failure is permanent, so a permanent one (or one without
 * the flag) takes the class its SMTP status implies: an unknown user is hard, a block list is a
 * block. A temporary one is soft whatever the status says: Mailjet retries it.
 */
function bounceOf(
  type: EmailEventType,
  event: MailjetEvent,
  smtp: Pick<ProviderEvent, "smtpCode" | "enhancedStatus">,
): BounceClass | null {
  if (type !== "bounced") {
    return null;
  }
  if (event.hard_bounce === false) {
    return "soft";
  }
  return bounceClassOfSmtpStatus(smtp, event.hard_bounce === true ? "hard" : "undetermined");
}

function occurredAtOf(time: MailjetEvent["time"]): string | null {
  const seconds = typeof time === "string" && /^\d+(\.\d+)?$/.test(time) ? Number(time) : time;
  if (typeof seconds !== "number") {
    return unknownOccurredAt;
  }
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? unknownOccurredAt : date.toISOString();
}

function nonEmpty(value: string | null | undefined): string | null {
  return value ? value : null;
}

/** The sender's `EventPayload` when it is a JSON object; values are strings in mailroute. */
function payloadMetadata(payload: string | null | undefined): Record<string, string> {
  if (!payload) {
    return {};
  }
  let value: unknown;
  try {
    value = parseMailjetJson(payload);
  } catch {
    // Any text is a valid EventPayload; one that is not JSON stays in `raw` only.
    return {};
  }
  return toStringMetadata(value);
}

function reasonOf(event: MailjetEvent): { reason: string | null; mtaReply: string | null } {
  // `smtp_reply` on sent events; `comment` carries the receiver's diagnostic on bounces.
  const mtaReply = nonEmpty(event.smtp_reply) ?? nonEmpty(event.comment);
  if (mtaReply !== null) {
    return { reason: mtaReply, mtaReply };
  }
  if (event.error_related_to == null && event.error == null) {
    return { reason: null, mtaReply: null };
  }
  return { reason: `${event.error_related_to ?? ""}: ${event.error ?? ""}`, mtaReply: null };
}

function mapMailjetEvent(event: MailjetEvent, raw: unknown): ProviderEvent {
  const type = typeOf(event);
  const { reason, mtaReply } = reasonOf(event);
  // "250 2.0.0 OK …" or Mailjet's own wrapping "sent (250 2.0.0 OK …)".
  const smtp = parseWrappedSmtpReply(mtaReply);
  const { mailroute_id: mailrouteId, ...metadata } = payloadMetadata(event.Payload);
  return {
    type,
    bounce: bounceOf(type, event, smtp),
    recipient: bareAddressOf(event.email),
    occurredAt: occurredAtOf(event.time),
    providerMessageId: event.MessageID == null ? null : String(event.MessageID),
    // Mailjet events carry no id of their own.
    providerEventId: null,
    mailrouteId: mailrouteId ?? null,
    reason,
    ...smtp,
    url: nonEmpty(event.url),
    userAgent: nonEmpty(event.agent),
    // CustomCampaign is the one sender label Mailjet echoes (anymail's tags).
    tags: event.customcampaign ? [event.customcampaign] : [],
    metadata,
    // Nothing identifies a Mailjet event, so the server hashes the raw item.
    dedupeKey: null,
    raw,
  };
}

/** Maps the items `parse` returned (one per recipient event) to normalized events. */
export function mapMailjetEvents(payload: unknown): ProviderEvent[] {
  if (!Array.isArray(payload)) {
    throw new WebhookPayloadError("Mailjet events must be an array");
  }
  return payload.map((item: unknown, index) => {
    const parsed = mailjetEventSchema.safeParse(item);
    if (!parsed.success) {
      throw new WebhookPayloadError(`Mailjet event ${index} is not an event callback item`, {
        cause: parsed.error,
      });
    }
    return mapMailjetEvent(parsed.data, item);
  });
}
