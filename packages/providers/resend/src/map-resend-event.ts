import {
  type BounceClass,
  bounceClassOfSmtpStatus,
  type EmailEventType,
  findSmtpStatus,
  type ProviderEvent,
  parseAddress,
  parseJsonLeniently,
  toStringMetadata,
  WebhookPayloadError,
} from "@mailroute/core";
import {
  type ResendEmailEvent,
  resendEmailEventSchema,
  resendWebhookPayloadSchema,
} from "./resend-webhook-payload";

/** Resend event type → normalized type (https://resend.com/docs/webhooks/event-types). */
const resendEventTypes = new Map<string, EmailEventType>([
  ["email.sent", "sent"],
  // A send with `scheduled_at`: accepted, not handed to a mail server yet.
  ["email.scheduled", "queued"],
  ["email.delivered", "delivered"],
  ["email.delivery_delayed", "deferred"],
  ["email.bounced", "bounced"],
  ["email.complained", "complained"],
  ["email.opened", "opened"],
  ["email.clicked", "clicked"],
  // Never sent: invalid recipient, API key, domain or quota problem
  // (https://resend.com/docs/webhooks/emails/failed).
  ["email.failed", "failed"],
  // Not sent because the address is on the suppression list
  // (https://resend.com/changelog/email-suppression-visibility).
  ["email.suppressed", "rejected"],
  // `email.received` (inbound mail) is not about a message we sent: it falls back to unknown,
  // as anymail's inbound events do in the corpus.
]);

/** `data.bounce.type` → bounce class; Resend passes Amazon SES's bounce types through. */
const resendBounceTypes = new Map<string, BounceClass>([
  ["Permanent", "hard"],
  ["Transient", "soft"],
  ["Undetermined", "undetermined"],
]);

// Resend refused to try (the address is suppressed): no mail server answered, so the bounce is
// undetermined, as the corpus classes anymail's `suppressed`.
const suppressedSubTypes = new Set(["Suppressed", "OnAccountSuppressionList"]);

// Subtypes that only restate the type ("Permanent", "General"): the SMTP status then says more.
const genericSubTypes = new Set(["General", "Undetermined"]);

/** The class a bounce's older human-readable message states; anymail reads the same phrases. */
function classOfMessage(message: string): BounceClass {
  if (message.includes("hard bounce")) {
    return "hard";
  }
  return message.includes("inbox was full") ? "soft" : "undetermined";
}

/**
 * The bounce class of an `email.bounced` event: Resend's type and specific subtype where it
 * gives them, else the class the diagnostic's SMTP status implies, else the type or message
 * (anymail/webhooks/resend.py reads the same phrases in older payloads).
 */
function classifyBounce(
  bounce: ResendEmailEvent["data"]["bounce"],
  smtp: Pick<ProviderEvent, "smtpCode" | "enhancedStatus">,
): BounceClass {
  if (bounce?.subType && suppressedSubTypes.has(bounce.subType)) {
    return "undetermined";
  }
  const message = bounce?.message ?? "";
  if (message.includes("suppressed sending")) {
    return "undetermined";
  }
  const byType = bounce?.type ? resendBounceTypes.get(bounce.type) : undefined;
  if (byType && bounce?.subType && !genericSubTypes.has(bounce.subType)) {
    return byType;
  }
  return bounceClassOfSmtpStatus(smtp, byType ?? classOfMessage(message));
}

/** The value of a custom header as Resend echoes it in `data.headers` (names are case-insensitive). */
function headerValue(data: ResendEmailEvent["data"], name: string): string | undefined {
  return data.headers?.find((header) => header.name.toLowerCase() === name)?.value;
}

/** Resend's own `tags` (name/value pairs), as an object. */
function nativeTags(data: ResendEmailEvent["data"]): Record<string, string> {
  const tags = data.tags ?? {};
  return Array.isArray(tags) ? Object.fromEntries(tags.map((tag) => [tag.name, tag.value])) : tags;
}

/**
 * Sender tags and metadata. Resend's native tags only allow ASCII letters, digits, `_` and `-`,
 * so senders (anymail, and mailroute) pass them as `X-Tags` / `X-Metadata` JSON headers, which
 * Resend echoes in `data.headers`; `data.tags` are provider tags, not the sender's tag list.
 */
function senderTagsAndMetadata(data: ResendEmailEvent["data"]) {
  const tags = parseJsonLeniently(headerValue(data, "x-tags"));
  const { mailroute_id: metadataId, ...metadata } = toStringMetadata(
    parseJsonLeniently(headerValue(data, "x-metadata")),
  );
  return {
    tags: Array.isArray(tags) ? tags.filter((tag) => typeof tag === "string") : [],
    metadata,
    // Resend echoes its native tags on every event, so `mailroute_id` may travel there instead.
    mailrouteId: metadataId ?? nativeTags(data).mailroute_id ?? null,
  };
}

/**
 * The one recipient of the event. Resend posts one event per recipient but does not say which:
 * like anymail, report the first `to` address.
 */
function firstRecipient(data: ResendEmailEvent["data"]): string | null {
  const first = data.to?.[0];
  const address = first ? parseAddress(first) : null;
  return address ? address.email.toLowerCase() : null;
}

/** The receiving server's diagnostic of a bounce (`smtp; 550 5.1.1 …`), when Resend has one. */
function diagnosticOf(data: ResendEmailEvent["data"]): string | null {
  const diagnostic = data.bounce?.diagnosticCode;
  return (Array.isArray(diagnostic) ? diagnostic.join("\n") : diagnostic) || null;
}

/** Maps what `parse` returned for one Resend webhook to normalized events (pure). */
export function mapResendEvent(payload: unknown): ProviderEvent[] {
  const wrapper = resendWebhookPayloadSchema.safeParse(payload);
  const event = wrapper.success ? resendEmailEventSchema.safeParse(wrapper.data.body) : null;
  if (!wrapper.success || !event?.success) {
    throw new WebhookPayloadError("Resend webhook payload is not an email event", {
      cause: event?.error ?? wrapper.error,
    });
  }
  const { type: resendType, created_at: createdAt, data } = event.data;
  const type = resendEventTypes.get(resendType) ?? "unknown";
  const diagnostic = diagnosticOf(data);
  // The code and status in a diagnostic such as `smtp; 550 5.1.1 …`.
  const smtp = findSmtpStatus(diagnostic);
  const { webhookId } = wrapper.data;
  return [
    {
      type,
      bounce: type === "bounced" ? classifyBounce(data.bounce, smtp) : null,
      recipient: firstRecipient(data),
      occurredAt: new Date(createdAt).toISOString(),
      providerMessageId: data.email_id,
      providerEventId: webhookId,
      // The diagnostic, else Resend's own words: the bounce text or the failure reason.
      reason: diagnostic ?? data.bounce?.message ?? data.failed?.reason ?? null,
      ...smtp,
      url: data.click?.link ?? null,
      userAgent: data.click?.userAgent ?? null,
      ...senderTagsAndMetadata(data),
      // Svix keeps `svix-id` across retries of one event, and Resend posts one event per
      // recipient, so the id alone identifies a redelivery.
      dedupeKey: webhookId,
      raw: wrapper.data.body,
    },
  ];
}
