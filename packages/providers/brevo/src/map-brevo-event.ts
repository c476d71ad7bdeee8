import {
  type BounceClass,
  bareAddressOf,
  bounceClassOfSmtpStatus,
  type EmailEventType,
  findSmtpStatus,
  type ProviderEvent,
  parseJsonLeniently,
  toStringMetadata,
  WebhookPayloadError,
} from "@mailroute/core";
import {
  type BrevoEvent,
  brevoEventSchema,
  brevoWebhookPayloadSchema,
} from "./brevo-webhook-payload";

interface BrevoMapping {
  type: EmailEventType;
  bounce: BounceClass | null;
}

/**
 * Brevo `event` → normalized type, following anymail's table (anymail/webhooks/brevo.py) and
 * Brevo's list (https://developers.brevo.com/docs/transactional-webhooks).
 */
const brevoEventTypes = new Map<string, BrevoMapping>([
  // Sent even for a message that is then blocked, so it is the acceptance, not a send.
  ["request", { type: "queued", bounce: null }],
  ["delivered", { type: "delivered", bounce: null }],
  ["hard_bounce", { type: "bounced", bounce: "hard" }],
  // Brevo has given up on this attempt: anymail reports it as bounced, not deferred.
  ["soft_bounce", { type: "bounced", bounce: "soft" }],
  // A syntactically invalid or non-existent address: anymail's bounced/invalid, a hard bounce.
  ["invalid_email", { type: "bounced", bounce: "hard" }],
  // Refused before sending (blacklisted or unsubscribed recipient).
  ["blocked", { type: "rejected", bounce: null }],
  ["deferred", { type: "deferred", bounce: null }],
  ["spam", { type: "complained", bounce: null }],
  // Brevo's sample payloads name the spam event `complaint` (anchor #complaint in the docs).
  ["complaint", { type: "complained", bounce: null }],
  ["opened", { type: "opened", bounce: null }],
  ["unique_opened", { type: "opened", bounce: null }],
  // Opens seen through a privacy proxy (Apple Mail Privacy Protection and the like).
  ["proxy_open", { type: "opened", bounce: null }],
  ["unique_proxy_open", { type: "opened", bounce: null }],
  ["click", { type: "clicked", bounce: null }],
  // Brevo sends `unsubscribed`; anymail's table knows only `unsubscribe`.
  ["unsubscribed", { type: "unsubscribed", bounce: null }],
  ["unsubscribe", { type: "unsubscribed", bounce: null }],
  // Brevo could not send the message at all.
  ["error", { type: "failed", bounce: null }],
  // Anything else (`list_addition` from marketing lists…) falls back to unknown.
]);

const unknownEvent: BrevoMapping = { type: "unknown", bounce: null };

// Brevo reports any permanent refusal as a hard bounce: an address that does not exist, and a
// receiver that blocks the sender (the corpus has both 5.1.1 and 5.5.0 ones), so the SMTP status
// in `reason` tells which; the class stays hard when the status implies none. `soft_bounce` and
// `invalid_email` are Brevo's own verdicts and stand.
const smtpClassedEvents: ReadonlySet<string> = new Set(["hard_bounce"]);

// Below this a Unix time is in seconds (1e11 s is the year 5138; 1e11 ms is 1973).
const secondsLimit = 1e11;

/**
 * When the event happened. `ts_epoch` first (the one field anymail found always UTC),
 * then `ts_event`, `s_epoch` (proxy opens) and `ts`; any may be seconds or ms.
 */
function occurredAtOf(event: BrevoEvent): string | null {
  const value = event.ts_epoch ?? event.ts_event ?? event.s_epoch ?? event.ts;
  if (value === undefined || value === null) {
    // No time given: null, and the server records when it received the event.
    return null;
  }
  return new Date(value < secondsLimit ? value * 1000 : value).toISOString();
}

/**
 * Sender tags: the `tags` array (set with the API's `tags`), else `tag` (the `X-Mailin-Tag`
 * header, which Brevo sometimes echoes as a JSON array in a string).
 */
function tagsOf(event: BrevoEvent): string[] {
  if (event.tags) {
    return event.tags;
  }
  const tag = event.tag;
  if (typeof tag !== "string") {
    return tag ?? [];
  }
  const list = tag.startsWith("[") ? parseJsonLeniently(tag) : undefined;
  return Array.isArray(list) ? list.filter((item) => typeof item === "string") : [tag];
}

/**
 * Sender metadata from `X-Mailin-custom` when it holds a JSON object (values as strings);
 * any other text stays only in `raw`.
 */
function metadataOf(event: BrevoEvent): Record<string, string> {
  return toStringMetadata(parseJsonLeniently(event["X-Mailin-custom"]));
}

function mapOne(item: unknown): ProviderEvent {
  const parsed = brevoEventSchema.safeParse(item);
  if (!parsed.success) {
    throw new WebhookPayloadError("Brevo webhook event is not of the expected shape", {
      cause: parsed.error,
    });
  }
  const event = parsed.data;
  const { type, bounce } = brevoEventTypes.get(event.event) ?? unknownEvent;
  const reason = event.reason ?? null;
  // The SMTP reply code and enhanced status in Brevo's `reason` (`… 550 5.1.1 …`), if any.
  const smtp = findSmtpStatus(reason);
  const { mailroute_id: mailrouteId, ...metadata } = metadataOf(event);
  return {
    type,
    bounce:
      bounce !== null && smtpClassedEvents.has(event.event)
        ? bounceClassOfSmtpStatus(smtp, bounce)
        : bounce,
    recipient: bareAddressOf(event.email),
    occurredAt: occurredAtOf(event),
    // The send API answers with the Message-ID in angle brackets; stored without them.
    providerMessageId: event["message-id"]?.replace(/^<(.*)>$/, "$1") || null,
    // Brevo's `id` is the webhook's id, not the event's: it has no per-event id.
    providerEventId: null,
    mailrouteId: mailrouteId ?? null,
    reason,
    ...smtp,
    // Opens carry `link: ""`.
    url: event.link || null,
    userAgent: null,
    tags: tagsOf(event),
    metadata,
    // No event id and no delivery token: the server hashes the raw item.
    dedupeKey: null,
    raw: item,
  };
}

/** Maps what `parse` returned for one Brevo webhook request to normalized events (pure). */
export function mapBrevoEvent(payload: unknown): ProviderEvent[] {
  const items = brevoWebhookPayloadSchema.safeParse(payload);
  if (!items.success) {
    throw new WebhookPayloadError("Brevo webhook payload is not a list of events", {
      cause: items.error,
    });
  }
  return items.data.map(mapOne);
}
