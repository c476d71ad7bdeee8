import {
  type BounceClass,
  bareAddressOf,
  bounceClassOfSmtpStatus,
  type EmailEventType,
  lookupOwn,
  type ProviderEvent,
  parseJsonLeniently,
  parseSmtpDiagnostic,
  toStringMetadata,
  WebhookPayloadError,
} from "@mailroute/core";
import { z } from "zod";
import { parseSesRecord, type SesRecord, sesRecordKind } from "./ses-event-record";

/** The metadata key that carries mailroute's message id. */
export const mailrouteIdKey = "mailroute_id";

/** What `parse` hands to `toEvents`: one SES record and the SNS facts around it. */
export interface SesNotification {
  /** The SNS MessageId (the same on SNS's retries). */
  messageId: string;
  /** The SNS Timestamp, ISO 8601. */
  timestamp: string;
  /** The SES record: the SNS Message, parsed. */
  record: unknown;
}

const notificationSchema = z.object({
  messageId: z.string().min(1),
  timestamp: z.string(),
  record: z.unknown().optional(),
});

// SES event (configuration-set publishing, `eventType`) or notification (identity feedback,
// `notificationType`) → event (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html,
// anymail/webhooks/amazon_ses.py). Anything else, `Subscription` included, is unknown.
const sesEventTypes: Record<string, EmailEventType> = {
  Send: "sent",
  Delivery: "delivered",
  Bounce: "bounced",
  Complaint: "complained",
  // SES refused to send: a virus in the message (the only Reject reason SES documents).
  Reject: "rejected",
  Open: "opened",
  Click: "clicked",
  // A template could not be rendered, so nothing was sent.
  "Rendering Failure": "failed",
  // SES keeps trying (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html#event-publishing-retrieving-sns-contents-delivery-delay-object).
  DeliveryDelay: "deferred",
};

// bounceType → class (https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html#bounce-types).
const sesBounceClasses: Record<string, BounceClass> = {
  // Includes SES's own suppression (Suppressed, OnAccountSuppressionList), as anymail reads it.
  Permanent: "hard",
  Transient: "soft",
  Undetermined: "undetermined",
};

// bounceType/bounceSubType rows that say more than their bounceType.
const sesBounceSubtypeClasses: Record<string, BounceClass> = {
  // The receiving server refused the content or an attachment: a block, not a full mailbox.
  "Transient/ContentRejected": "block",
  "Transient/AttachmentRejected": "block",
};

interface RecipientFacts {
  address: string | null;
  reason?: string | null | undefined;
  status?: string | null | undefined;
}

interface RecordFacts {
  recipients: RecipientFacts[];
  reason?: string | null | undefined;
  url?: string | null | undefined;
  userAgent?: string | null | undefined;
}

function recordFacts(kind: string | null, record: SesRecord): RecordFacts {
  const everyone = (record.mail?.destination ?? []).map((address) => ({ address }));
  const { bounce, complaint, delivery, deliveryDelay } = record;
  switch (kind) {
    case "Bounce":
      return {
        recipients: (bounce?.bouncedRecipients ?? []).map((recipient) => ({
          address: recipient.emailAddress,
          reason: recipient.diagnosticCode,
          status: recipient.status,
        })),
        // Anymail's wording: "Permanent: General".
        reason: [bounce?.bounceType, bounce?.bounceSubType].filter(Boolean).join(": ") || null,
      };
    case "Complaint":
      return {
        recipients: (complaint?.complainedRecipients ?? []).map((recipient) => ({
          address: recipient.emailAddress,
        })),
        reason: complaint?.complaintFeedbackType,
        userAgent: complaint?.userAgent,
      };
    case "Delivery":
      return {
        recipients: (delivery?.recipients ?? []).map((address) => ({ address })),
        reason: delivery?.smtpResponse,
      };
    case "DeliveryDelay":
      return {
        recipients: (deliveryDelay?.delayedRecipients ?? []).map((recipient) => ({
          address: recipient.emailAddress,
          reason: recipient.diagnosticCode,
          status: recipient.status,
        })),
        reason: deliveryDelay?.delayType,
      };
    case "Reject":
      return { recipients: everyone, reason: record.reject?.reason };
    // SES does not say which recipient opened or clicked: every recipient gets the event.
    case "Open":
      return { recipients: everyone, userAgent: record.open?.userAgent };
    case "Click":
      return { recipients: everyone, url: record.click?.link, userAgent: record.click?.userAgent };
    case "Rendering Failure":
      return { recipients: everyone, reason: record.failure?.errorMessage };
    default:
      return { recipients: everyone };
  }
}

// bounceSubTypes that only restate the bounceType ("Permanent: General"): the recipient's SMTP
// status then says which class, and the bounceType's class stands when it implies none. Every
// other subtype (NoEmail, Suppressed, MailboxFull, ContentRejected…) is SES's own verdict.
const genericBounceSubTypes: ReadonlySet<string> = new Set(["General", "Undetermined"]);

function bounceClass(
  record: SesRecord,
  smtp: Pick<ProviderEvent, "smtpCode" | "enhancedStatus">,
): BounceClass {
  const type = record.bounce?.bounceType;
  const subType = record.bounce?.bounceSubType;
  const byType =
    lookupOwn(sesBounceSubtypeClasses, `${type}/${subType}`) ??
    lookupOwn(sesBounceClasses, type) ??
    "undetermined";
  const isGeneric = !subType || genericBounceSubTypes.has(subType);
  return isGeneric ? bounceClassOfSmtpStatus(smtp, byType) : byType;
}

// SES echoes no sender metadata of its own. Tags and metadata come back the way anymail sends
// them (X-Tag headers, a JSON X-Metadata header; SES includes the original headers), and
// mailroute's id from that metadata or from an SES message tag `mailroute_id`.
function senderData(mail: SesRecord["mail"]) {
  const headers = mail?.headers ?? [];
  const tags = headers.filter((header) => header.name.toLowerCase() === "x-tag");
  const metadataHeader = headers.find((header) => header.name.toLowerCase() === "x-metadata");
  // A malformed X-Metadata header is the sender's text, not SES's; the event still counts.
  const metadata = toStringMetadata(parseJsonLeniently(metadataHeader?.value));
  const mailrouteId = metadata[mailrouteIdKey] ?? mail?.tags?.[mailrouteIdKey]?.[0] ?? null;
  delete metadata[mailrouteIdKey];
  return { tags: tags.map((header) => header.value), metadata, mailrouteId };
}

/** Maps one SES record to one event per recipient it concerns. */
export function mapSesEvent(value: unknown): ProviderEvent[] {
  const notification = notificationSchema.safeParse(value);
  const occurredAt = Date.parse(notification.data?.timestamp ?? "");
  if (!notification.success || Number.isNaN(occurredAt)) {
    throw new WebhookPayloadError("not a payload from the SES webhook's parse", {
      cause: notification.error,
    });
  }
  const { messageId, record: raw } = notification.data;
  const record = parseSesRecord(raw);
  const kind = sesRecordKind(record);
  const type = lookupOwn(sesEventTypes, kind) ?? "unknown";
  const facts = recordFacts(kind, record);
  // A record naming nobody still becomes one event, so nothing SES says is dropped.
  const recipients = facts.recipients.length > 0 ? facts.recipients : [{ address: null }];
  return recipients.map((recipient): ProviderEvent => {
    const address = bareAddressOf(recipient.address);
    const reason = recipient.reason ?? facts.reason ?? null;
    // "smtp; 550 5.1.1 …" and "250 2.0.0 OK" style responses.
    const diagnostic = parseSmtpDiagnostic(reason);
    const smtp = {
      smtpCode: diagnostic.smtpCode,
      enhancedStatus: recipient.status ?? diagnostic.enhancedStatus,
    };
    return {
      type,
      bounce: type === "bounced" ? bounceClass(record, smtp) : null,
      recipient: address,
      // The SNS publish time, as anymail uses it: every SES record has one, seconds after the event.
      occurredAt: new Date(occurredAt).toISOString(),
      providerMessageId: record.mail?.messageId ?? null,
      providerEventId: messageId,
      ...senderData(record.mail),
      reason,
      ...smtp,
      url: facts.url ?? null,
      userAgent: facts.userAgent ?? null,
      // One SNS message covers several recipients.
      dedupeKey: address ? `${messageId}:${address}` : messageId,
      raw,
    };
  });
}
