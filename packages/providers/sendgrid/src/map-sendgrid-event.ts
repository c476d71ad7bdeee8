import {
  type BounceClass,
  bareAddressOf,
  bounceClassOfSmtpStatus,
  type EmailEventType,
  lookupOwn,
  type ProviderEvent,
  parseSmtpReply,
  secondsToIso,
} from "@mailroute/core";
import type { SendGridEvent } from "./sendgrid-event-schema";
import { mailrouteIdArgument } from "./sendgrid-mail-body";

// The tables follow django-anymail's SendGrid mapping (anymail/webhooks/sendgrid.py), in
// mailroute's vocabulary; SendGrid's event list:
// https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event

type SmtpStatus = Pick<ProviderEvent, "smtpCode" | "enhancedStatus">;

/** SendGrid `event` → mailroute event type; anything else is `unknown`. */
export const sendGridEventTypes: Readonly<Record<string, EmailEventType>> = {
  processed: "queued",
  deferred: "deferred",
  delivered: "delivered",
  bounce: "bounced",
  // Dropped before sending (suppressed, invalid, unsubscribed): anymail's `rejected`.
  dropped: "rejected",
  open: "opened",
  click: "clicked",
  spamreport: "complained",
  unsubscribe: "unsubscribed",
  // An unsubscribe from one suppression group (ASM) is still an unsubscribe for this sender.
  group_unsubscribe: "unsubscribed",
  // anymail's `subscribed`, which mailroute's vocabulary does not have.
  group_resubscribe: "unknown",
};

/**
 * A `bounce` event's `type` where SendGrid names the cause itself → bounce class. `bounce` (and
 * an absent type) is any permanent refusal by the receiver, so the SMTP status says which class;
 * an unlisted type is `undetermined` unless the SMTP status says more.
 */
export const sendGridBounceClasses: Readonly<Record<string, BounceClass>> = {
  // The receiver refused the message for now (reputation, content): a block.
  blocked: "block",
  // Gave up after retrying; anymail reads it as `timed_out`, a temporary cause.
  expired: "soft",
};

/**
 * SendGrid's own event fields. Custom args arrive as top-level keys beside them, so whatever is
 * not listed here is the sender's metadata (anymail's `sendgrid_event_keys`, plus fields SendGrid
 * added since: bounce_classification, sg_machine_open, sg_content_type, sg_template_*).
 */
export const sendGridEventFields: ReadonlySet<string> = new Set([
  "asm_group_id",
  "attempt",
  "bounce_classification",
  "category",
  "cert_err",
  "email",
  "event",
  "ip",
  "marketing_campaign_id",
  "marketing_campaign_name",
  "marketing_campaign_split_id",
  "marketing_campaign_version",
  "newsletter",
  "nlvx_campaign_id",
  "nlvx_campaign_split_id",
  "nlvx_user_id",
  "pool",
  "post_type",
  "reason",
  "response",
  "send_at",
  "sg_content_type",
  "sg_event_id",
  "sg_machine_open",
  "sg_message_id",
  "sg_template_id",
  "sg_template_name",
  "smtp-id",
  "status",
  "timestamp",
  "tls",
  "type",
  "url",
  "url_offset",
  "useragent",
]);

function textOf(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function tagsOf(category: unknown): string[] {
  if (typeof category === "string") {
    return [category];
  }
  return Array.isArray(category)
    ? category.filter((tag): tag is string => typeof tag === "string")
    : [];
}

/** The custom args: every key SendGrid does not own, with `mailroute_id` taken out. */
function readCustomArguments(event: SendGridEvent): {
  mailrouteId: string | null;
  metadata: Record<string, string>;
} {
  const metadata = new Map<string, string>();
  let mailrouteId: string | null = null;
  for (const [key, value] of Object.entries(event)) {
    if (sendGridEventFields.has(key) || value === null || value === undefined) {
      continue;
    }
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (key === mailrouteIdArgument) {
      mailrouteId = text;
    } else {
      metadata.set(key, text);
    }
  }
  return { mailrouteId, metadata: Object.fromEntries(metadata) };
}

/**
 * `sg_message_id` is `<X-Message-Id>.<filter…>`; the part before the first dot is the id the
 * send API returned in X-Message-Id, which is what the send adapter stored.
 */
function sendApiMessageId(value: unknown): string | null {
  const id = textOf(value)?.split(".")[0];
  return id ? id : null;
}

function bounceClassOf(event: SendGridEvent, smtp: SmtpStatus): BounceClass {
  const type = textOf(event.type)?.toLowerCase() ?? null;
  // "Hard bounce (type=bounce)", per the Event Webhook reference; SendGrid's own sample bounce
  // has no `type`, and the reference marks blocks, so a bounce without one is hard too.
  const fallback = type === null || type === "bounce" ? "hard" : "undetermined";
  return lookupOwn(sendGridBounceClasses, type) ?? bounceClassOfSmtpStatus(smtp, fallback);
}

/** One Event Webhook item → one normalized event (each item is one recipient's event). */
export function mapSendGridEvent(event: SendGridEvent): ProviderEvent {
  const type = lookupOwn(sendGridEventTypes, event.event) ?? "unknown";
  // `response` holds the MTA's reply (delivered, deferred); `reason` the bounce's MTA reply or
  // the drop's cause.
  const reason = textOf(event.response) ?? textOf(event.reason);
  const reply = parseSmtpReply(reason);
  const smtp = {
    smtpCode: reply.smtpCode,
    enhancedStatus: textOf(event.status) ?? reply.enhancedStatus,
  };
  const eventId = textOf(event.sg_event_id);
  const { mailrouteId, metadata } = readCustomArguments(event);
  return {
    type,
    bounce: type === "bounced" ? bounceClassOf(event, smtp) : null,
    recipient: bareAddressOf(event.email),
    occurredAt: secondsToIso(event.timestamp),
    providerMessageId: sendApiMessageId(event.sg_message_id),
    providerEventId: eventId,
    mailrouteId,
    reason,
    ...smtp,
    url: textOf(event.url),
    userAgent: textOf(event.useragent),
    tags: tagsOf(event.category),
    metadata,
    dedupeKey: eventId,
    raw: event,
  };
}

/** A whole Event Webhook batch → normalized events, in the order SendGrid sent them. */
export function mapSendGridEvents(events: readonly SendGridEvent[]): ProviderEvent[] {
  return events.map(mapSendGridEvent);
}
