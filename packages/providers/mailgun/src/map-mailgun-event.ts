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
import {
  formAsObject,
  isEnhancedStatus,
  legacyMessageHeaders,
  messageIdOf,
  recordOf,
  singleAddress,
  smtpCodeOf,
  splitMetadata,
  stringsOf,
  textOf,
  unixSecondsOf,
  variablesFromFields,
  variablesFromHeaders,
} from "./mailgun-event-values";
import { firstFormValue, formValues, lastFormValue, type MailgunFormFields } from "./mailgun-form";
import type { MailgunJsonBody, MailgunPayload } from "./mailgun-webhook-payload";

// The tables follow django-anymail's Mailgun mapping (anymail/webhooks/mailgun.py) in mailroute's
// vocabulary. Mailgun's events: https://documentation.mailgun.com/docs/mailgun/user-manual/events/

/** JSON `event` (`event/severity` for failures) → event type; anything else is `unknown`. */
export const mailgunEventTypes: Readonly<Record<string, EmailEventType>> = {
  // Not posted to webhooks in normal operation (anymail: "not delivered to webhooks (8/2018)"),
  // but the dashboard's test button sends one.
  accepted: "queued",
  rejected: "rejected",
  delivered: "delivered",
  // Severity decides, as in anymail's `severities` remap: Mailgun retries temporary failures.
  "failed/permanent": "bounced",
  "failed/temporary": "deferred",
  // A failure without severity is taken as permanent, anymail's default for `failed`.
  failed: "bounced",
  opened: "opened",
  clicked: "clicked",
  unsubscribed: "unsubscribed",
  complained: "complained",
};

/**
 * A permanent failure's `reason` where Mailgun names the cause itself → bounce class; every
 * other reason is generic and the SMTP status decides (`mailgunGenericReasons`).
 */
export const mailgunBounceClasses: Readonly<Record<string, BounceClass>> = {
  // The recipient's server refused the sending service rather than the address.
  espblock: "block",
  // Retried until the message's lifetime ran out.
  old: "soft",
  // Never attempted: the address is on a suppression list (Mailgun codes 605, 606, 607).
  "suppress-bounce": "undetermined",
  "suppress-unsubscribe": "undetermined",
  "suppress-complaint": "undetermined",
};

/**
 * Generic reasons → the class when the SMTP status implies none; an unlisted reason is
 * `undetermined`. `bounce` is any permanent refusal by the receiver (an unknown user, or a
 * 5.7.1 block list), so the status tells which.
 */
export const mailgunGenericReasons: Readonly<Record<string, BounceClass>> = {
  bounce: "hard",
  generic: "undetermined",
};

/** Legacy form `event` → event type (anymail's `legacy_event_types`); else `unknown`. */
export const mailgunLegacyEventTypes: Readonly<Record<string, EmailEventType>> = {
  delivered: "delivered",
  // Mailgun did not attempt delivery (suppressed, or no MX after retries): anymail's `rejected`.
  dropped: "rejected",
  bounced: "bounced",
  complained: "complained",
  unsubscribed: "unsubscribed",
  opened: "opened",
  clicked: "clicked",
};

/**
 * A legacy `bounced` post's `code` where Mailgun names the cause itself → bounce class. Any other
 * code is an SMTP reply: the SMTP status decides, and Mailgun's legacy `bounced` webhook reports
 * permanent failures, so one that implies no class is `hard` (anymail's `legacy_reject_reasons`:
 * 4xx-5xx are bounces except these).
 */
export const mailgunLegacyBounceClasses: Readonly<Record<string, BounceClass>> = {
  // Could not connect to any MX: anymail's `timed_out`.
  "499": "soft",
  // Mailgun's own codes for a previous bounce and a previous spam complaint.
  "605": "undetermined",
  "607": "undetermined",
};

const legacyEngagementFields = [
  "event",
  "recipient",
  "domain",
  "ip",
  "country",
  "region",
  "city",
  "user-agent",
  "device-type",
  "client-type",
  "client-name",
  "client-os",
  "campaign-id",
  "campaign-name",
  "tag",
  "mailing-list",
  "timestamp",
  "token",
  "signature",
  // Undocumented, but seen in real posts (anymail).
  "body-plain",
  "h",
  "message-id",
];

/**
 * Mailgun's own fields of the legacy posts that carry no message headers, so that every other
 * field is a sender variable (anymail's `_known_legacy_event_fields`).
 */
export const mailgunLegacyEventFields: Readonly<Record<string, ReadonlySet<string>>> = {
  clicked: new Set([...legacyEngagementFields, "url"]),
  opened: new Set(legacyEngagementFields),
  unsubscribed: new Set(legacyEngagementFields),
};

type SmtpStatus = Pick<ProviderEvent, "smtpCode" | "enhancedStatus">;

function typeOfJsonEvent(event: string, severity: string | null): EmailEventType {
  const withSeverity =
    severity === null ? undefined : lookupOwn(mailgunEventTypes, `${event}/${severity}`);
  return withSeverity ?? lookupOwn(mailgunEventTypes, event) ?? "unknown";
}

function bounceClassOfJsonEvent(reason: string | null, smtp: SmtpStatus): BounceClass {
  return (
    lookupOwn(mailgunBounceClasses, reason) ??
    bounceClassOfSmtpStatus(smtp, lookupOwn(mailgunGenericReasons, reason) ?? "undetermined")
  );
}

/** One JSON webhook → its event (Mailgun posts one event per request). */
export function mapMailgunJsonEvent(body: MailgunJsonBody): ProviderEvent {
  const data = body["event-data"];
  const type = typeOfJsonEvent(data.event, textOf(data.severity));
  const status = recordOf(data["delivery-status"]);
  const headers = recordOf(recordOf(data.message)?.headers);
  const mtaResponse = textOf(status?.message);
  const reply = parseSmtpReply(mtaResponse);
  const enhancedCode = textOf(status?.["enhanced-code"]);
  const smtp = {
    smtpCode: smtpCodeOf(status?.code) ?? reply.smtpCode,
    enhancedStatus: isEnhancedStatus(enhancedCode) ? enhancedCode : reply.enhancedStatus,
  };
  const eventId = textOf(data.id);
  const { mailrouteId, metadata } = splitMetadata(
    Object.entries(recordOf(data["user-variables"]) ?? {}),
  );
  // `rejected` events name no recipient; the message's To header does (anymail).
  const recipient =
    bareAddressOf(data.recipient) ??
    (data.event === "rejected" ? singleAddress(headers?.to) : null);
  return {
    type,
    bounce: type === "bounced" ? bounceClassOfJsonEvent(textOf(data.reason), smtp) : null,
    recipient,
    // Every event has a timestamp but the odd test post; the signing time stands in for it.
    occurredAt: secondsToIso(unixSecondsOf(data.timestamp) ?? body.signature.timestamp),
    providerMessageId: messageIdOf(headers?.["message-id"]),
    providerEventId: eventId,
    mailrouteId,
    // An empty diagnostic says nothing; the description or reject reason then explains it.
    reason:
      mtaResponse || textOf(status?.description) || textOf(recordOf(data.reject)?.reason) || null,
    ...smtp,
    url: textOf(data.url),
    userAgent: textOf(recordOf(data["client-info"])?.["user-agent"]),
    tags: stringsOf(data.tags),
    metadata,
    // event-data.id names the event; the token names this delivery when an event has no id.
    dedupeKey: eventId ?? body.signature.token,
    raw: data,
  };
}

/**
 * Variables travel in the X-Mailgun-Variables header when the post has message headers, and as
 * form fields in engagement posts; delivery posts without headers carry none that can be told
 * from Mailgun's own fields.
 */
function legacyVariables(
  fields: MailgunFormFields,
  event: string | null,
  headers: Array<[string, unknown]>,
): Array<readonly [string, unknown]> {
  if (fields.some(([name]) => name === "message-headers")) {
    return variablesFromHeaders(headers);
  }
  const mailgunFields = lookupOwn(mailgunLegacyEventFields, event);
  return mailgunFields ? variablesFromFields(fields, mailgunFields) : [];
}

/**
 * One legacy form post → its event. Where a sender variable repeats a field name, Mailgun's own
 * value comes first, except for `timestamp`, `token` and `signature`, where it comes last.
 */
export function mapMailgunLegacyEvent(fields: MailgunFormFields): ProviderEvent {
  const event = firstFormValue(fields, "event");
  const type = lookupOwn(mailgunLegacyEventTypes, event) ?? "unknown";
  const code = firstFormValue(fields, "code");
  const mtaResponse =
    firstFormValue(fields, "error") || firstFormValue(fields, "notification") || null;
  const reply = parseSmtpReply(mtaResponse);
  // `code` is a basic SMTP code, Mailgun's own (498, 605…), or sometimes an enhanced status.
  const smtp = {
    smtpCode: smtpCodeOf(code) ?? reply.smtpCode,
    enhancedStatus: isEnhancedStatus(code) ? code : reply.enhancedStatus,
  };
  const headers = legacyMessageHeaders(fields);
  const { mailrouteId, metadata } = splitMetadata(legacyVariables(fields, event, headers));
  const messageId =
    firstFormValue(fields, "Message-Id") ??
    firstFormValue(fields, "message-id") ??
    headers.find(([name]) => name.toLowerCase() === "message-id")?.[1];
  const token = lastFormValue(fields, "token");
  const tags = formValues(fields, "tag");
  return {
    type,
    bounce:
      type === "bounced"
        ? (lookupOwn(mailgunLegacyBounceClasses, code) ?? bounceClassOfSmtpStatus(smtp, "hard"))
        : null,
    recipient: bareAddressOf(firstFormValue(fields, "recipient")),
    occurredAt: secondsToIso(lastFormValue(fields, "timestamp") ?? "0"),
    providerMessageId: messageIdOf(messageId),
    providerEventId: token,
    mailrouteId,
    reason: mtaResponse || firstFormValue(fields, "description") || null,
    ...smtp,
    url: firstFormValue(fields, "url"),
    userAgent: firstFormValue(fields, "user-agent"),
    // Delivery posts repeat the undocumented X-Mailgun-Tag instead of `tag` (anymail).
    tags: tags.length > 0 ? tags : formValues(fields, "X-Mailgun-Tag"),
    metadata,
    dedupeKey: token,
    raw: formAsObject(fields),
  };
}

/** A parsed webhook → normalized events: always exactly one, Mailgun posts events singly. */
export function mapMailgunPayload(payload: MailgunPayload): ProviderEvent[] {
  return [
    payload.format === "json"
      ? mapMailgunJsonEvent(payload.body)
      : mapMailgunLegacyEvent(payload.fields),
  ];
}
