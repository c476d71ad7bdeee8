import {
  type BounceClass,
  bareAddressOf,
  bounceClassOfSmtpStatus,
  type EmailEventType,
  lookupOwn,
  type ProviderEvent,
  parseSmtpDiagnostic,
  toStringMetadata,
  WebhookPayloadError,
} from "@mailroute/core";
import { z } from "zod";
import { mailrouteIdKey } from "./postmark-send";

/** One row of a mapping table. */
interface EventRow {
  type: EmailEventType;
  bounce: BounceClass | null;
}

const unknownRow: EventRow = { type: "unknown", bounce: null };

function row(type: EmailEventType, bounce: BounceClass | null = null): EventRow {
  return { type, bounce };
}

// RecordType → event, as anymail's `event_record_types` (anymail/webhooks/postmark.py).
// Bounce, SpamComplaint and SubscriptionChange are refined below by `Type` or `SuppressionReason`.
const recordTypes: Record<string, EventRow> = {
  Delivery: row("delivered"),
  Bounce: row("bounced", "undetermined"),
  SpamComplaint: row("complained"),
  Open: row("opened"),
  Click: row("clicked"),
  SubscriptionChange: row("unsubscribed"),
  // Inbound mail posted to the tracking URL: anymail refuses it; mailroute records it as unknown.
  Inbound: unknownRow,
};

// Bounce `Type` → event, as anymail's `event_types`
// (https://postmarkapp.com/developer/api/bounce-api#bounce-types).
const bounceTypes: Record<string, EventRow> = {
  HardBounce: row("bounced", "hard"),
  // "Message delayed/Undeliverable": Postmark keeps retrying.
  Transient: row("deferred"),
  Unsubscribe: row("unsubscribed"),
  // A re-subscription is not in mailroute's vocabulary.
  Subscribe: unknownRow,
  AutoResponder: row("autoresponded"),
  // An "address change" notice is an automatic reply, as anymail reads it.
  AddressChange: row("autoresponded"),
  // "Temporary DNS error": Postmark retries.
  DnsError: row("deferred"),
  SpamNotification: row("complained"),
  // The receiving MTA is testing Postmark for an open relay; nothing happened to the message yet.
  OpenRelayTest: row("deferred"),
  Unknown: unknownRow,
  // Anymail: "might also receive HardBounce later".
  SoftBounce: row("bounced", "soft"),
  // Anymail's reject reason `other`, which the shared vocabulary classes as undetermined.
  VirusNotification: row("bounced", "undetermined"),
  ChallengeVerification: row("autoresponded"),
  // Postmark refused to send (bad address, deactivated, unconfirmed sender, blocked): rejected.
  BadEmailAddress: row("rejected"),
  SpamComplaint: row("complained"),
  ManuallyDeactivated: row("rejected"),
  Unconfirmed: row("rejected"),
  Blocked: row("rejected"),
  // Only when Postmark's SMTP service is used directly.
  SMTPApiError: row("failed"),
  // Anymail's `inbound_failed` has no counterpart here.
  InboundError: unknownRow,
  DMARCPolicy: row("rejected"),
  TemplateRenderingFailed: row("failed"),
  // A SubscriptionChange's SuppressionReason (anymail reuses this table for it).
  ManualSuppression: row("unsubscribed"),
};

// TypeCode → Type, for records that carry only the code (the postmark SDK's `BounceTypeCode`).
const bounceTypeNames: Record<number, string> = {
  1: "HardBounce",
  2: "Transient",
  16: "Unsubscribe",
  32: "Subscribe",
  64: "AutoResponder",
  128: "AddressChange",
  256: "DnsError",
  512: "SpamNotification",
  1024: "OpenRelayTest",
  2048: "Unknown",
  4096: "SoftBounce",
  8192: "VirusNotification",
  16384: "ChallengeVerification",
  100000: "BadEmailAddress",
  100001: "SpamComplaint",
  100002: "ManuallyDeactivated",
  100003: "Unconfirmed",
  100006: "Blocked",
  100007: "SMTPApiError",
  100008: "InboundError",
  100009: "DMARCPolicy",
  100010: "TemplateRenderingFailed",
};

// Only the fields mailroute reads; Postmark adds others freely.
const postmarkRecordSchema = z
  .object({
    RecordType: z.string().nullish(),
    Type: z.string().nullish(),
    TypeCode: z.number().nullish(),
    ID: z.union([z.number(), z.string()]).nullish(),
    MessageID: z.string().nullish(),
    Email: z.string().nullish(),
    Recipient: z.string().nullish(),
    OriginalRecipient: z.string().nullish(),
    ToFull: z.array(z.object({ Email: z.string().nullish() })).nullish(),
    FromFull: z.unknown().optional(),
    DeliveredAt: z.string().nullish(),
    BouncedAt: z.string().nullish(),
    ReceivedAt: z.string().nullish(),
    ChangedAt: z.string().nullish(),
    Date: z.string().nullish(),
    Details: z.string().nullish(),
    Description: z.string().nullish(),
    OriginalLink: z.string().nullish(),
    UserAgent: z.string().nullish(),
    Tag: z.string().nullish(),
    Metadata: z.record(z.string(), z.unknown()).nullish(),
    SuppressSending: z.boolean().nullish(),
    SuppressionReason: z.string().nullish(),
  })
  // Every tracking record names its RecordType; inbound records carry none but a FromFull
  // (anymail tells them apart the same way). A body with neither is not Postmark's.
  .refine(
    (record) =>
      Boolean(record.RecordType) ||
      (typeof record.FromFull === "object" && record.FromFull !== null),
    "has no RecordType (nor the FromFull of an inbound message)",
  );

type PostmarkRecord = z.infer<typeof postmarkRecordSchema>;

/** Checks that a parsed body is one Postmark webhook record; throws `WebhookPayloadError`. */
export function parsePostmarkRecord(value: unknown): PostmarkRecord {
  const parsed = postmarkRecordSchema.safeParse(value);
  if (!parsed.success) {
    throw new WebhookPayloadError(
      `Postmark webhook body is not a Postmark record: ${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function classify(record: PostmarkRecord): EventRow {
  // The inbound webhook's records have no RecordType (anymail recognises them by FromFull).
  const recordType = record.RecordType ?? (record.FromFull !== undefined ? "Inbound" : null);
  const recordRow = lookupOwn(recordTypes, recordType) ?? unknownRow;
  if (recordType === "SubscriptionChange") {
    if (!record.SuppressSending) {
      // Sending re-enabled (a re-subscription): not in mailroute's vocabulary.
      return unknownRow;
    }
    // Postmark says why sending is suppressed; anymail maps the reason with the bounce table.
    return lookupOwn(bounceTypes, record.SuppressionReason ?? null) ?? recordRow;
  }
  if (recordType === "Bounce" || recordType === "SpamComplaint") {
    // `Type` wins; `TypeCode` is the fallback (a few samples disagree, e.g. 512 with SpamComplaint).
    const typeName =
      lookupOwn(bounceTypes, record.Type ?? null) !== undefined
        ? (record.Type ?? null)
        : (lookupOwn(bounceTypeNames, record.TypeCode ?? null) ?? null);
    // An unlisted bounce type keeps the record's own meaning, as in anymail.
    return lookupOwn(bounceTypes, typeName) ?? recordRow;
  }
  return recordRow;
}

/**
 * HardBounce and SoftBounce are Postmark's own verdicts and stand; a bounce Postmark leaves
 * undetermined (an unlisted Type, a VirusNotification) takes the class its SMTP status implies.
 */
function bounceClassOf(
  bounce: BounceClass | null,
  smtp: Pick<ProviderEvent, "smtpCode" | "enhancedStatus">,
): BounceClass {
  return bounce !== null && bounce !== "undetermined" ? bounce : bounceClassOfSmtpStatus(smtp);
}

function isoTimestamp(value: string | null | undefined): string | null {
  const time = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function senderMetadata(metadata: Record<string, unknown> | null | undefined) {
  const { [mailrouteIdKey]: mailrouteId, ...rest } = toStringMetadata(metadata);
  return { mailrouteId: mailrouteId ?? null, metadata: rest };
}

/** Maps one Postmark webhook record to mailroute's events (Postmark posts one per request). */
export function mapPostmarkEvent(value: unknown): ProviderEvent[] {
  const record = parsePostmarkRecord(value);
  const { type, bounce } = classify(record);
  const reason = record.Details ?? record.Description ?? null;
  // Postmark sends "smtp;550 5.1.1 …" style diagnostics in `Details`.
  const smtp = parseSmtpDiagnostic(reason);
  const eventId = record.ID === null || record.ID === undefined ? null : String(record.ID);
  // Inbound records and some bounces carry no time: null lets the server use the receipt time.
  const occurredAt =
    [record.DeliveredAt, record.BouncedAt, record.ReceivedAt, record.ChangedAt, record.Date]
      .map(isoTimestamp)
      .find((time) => time !== null) ?? null;
  return [
    {
      type,
      bounce: type === "bounced" ? bounceClassOf(bounce, smtp) : null,
      // Email on bounces and complaints, Recipient elsewhere; inbound records name the mailbox.
      recipient: bareAddressOf(
        record.Email ?? record.Recipient ?? record.OriginalRecipient ?? record.ToFull?.[0]?.Email,
      ),
      occurredAt,
      providerMessageId: record.MessageID ?? null,
      providerEventId: eventId,
      ...senderMetadata(record.Metadata),
      reason,
      ...smtp,
      url: record.OriginalLink ?? null,
      userAgent: record.UserAgent ?? null,
      // Postmark carries one tag; an empty Tag means none.
      tags: record.Tag ? [record.Tag] : [],
      // Only bounce and spam records have an ID; the server hashes the others.
      dedupeKey: eventId,
      raw: value,
    },
  ];
}
