import { type EmailEventType, mailrouteSource } from "../events/email-event";
import { newId } from "../ids";
import type { IncomingEvent } from "../store/mail-store";

/**
 * One row of the event log in domain terms (times as epoch milliseconds, tags and metadata as
 * values): what every store writes for a provider's event or one of mailroute's own.
 */
export interface StoredEvent
  extends Omit<IncomingEvent, "mailrouteId" | "occurredAt" | "dedupeKey"> {
  id: string;
  messageId: string | null;
  /** The configured provider name, or `mailroute` for mailroute's own events. */
  provider: string;
  providerType: string;
  /**
   * With `provider`, what makes a redelivery recognisable: a store keeps one event per
   * (provider, dedupeKey) and drops the rest; null (mailroute's own events) is never a duplicate.
   */
  dedupeKey: string | null;
  occurredAt: number;
  receivedAt: number;
}

/**
 * A provider's event as stored: under a fresh `evt_` id, with the message it correlated to (null
 * for an orphan); an event without a time of its own occurred when it was received.
 */
export function storedEventOf(
  event: IncomingEvent,
  context: { messageId: string | null; provider: string; providerType: string; receivedAt: number },
): StoredEvent {
  // Field by field: a webhook batch holds up to a thousand events, and copying with a rest
  // pattern costs several times as much.
  return {
    id: newId("evt", context.receivedAt),
    messageId: context.messageId,
    provider: context.provider,
    providerType: context.providerType,
    providerMessageId: event.providerMessageId,
    providerEventId: event.providerEventId,
    dedupeKey: event.dedupeKey,
    type: event.type,
    bounce: event.bounce,
    recipient: event.recipient,
    occurredAt: event.occurredAt === null ? context.receivedAt : Date.parse(event.occurredAt),
    receivedAt: context.receivedAt,
    reason: event.reason,
    smtpCode: event.smtpCode,
    enhancedStatus: event.enhancedStatus,
    url: event.url,
    userAgent: event.userAgent,
    tags: event.tags,
    metadata: event.metadata,
    raw: event.raw ?? null,
  };
}

/**
 * mailroute's own events (queued, sent, failed, rejected, cancelled), one per recipient: they
 * carry the message's tags and metadata, name `mailroute` as provider unless a provider took the
 * message, occur when they are written and have no dedupe key.
 */
export function ownEventsOf(input: {
  messageId: string;
  recipients: readonly string[];
  type: EmailEventType;
  at: Date;
  provider?: string | undefined;
  providerType?: string | undefined;
  providerMessageId?: string | null | undefined;
  reason?: string | undefined;
  tags: string[];
  metadata: Record<string, string>;
}): StoredEvent[] {
  const at = input.at.getTime();
  return input.recipients.map((recipient) => ({
    id: newId("evt", at),
    messageId: input.messageId,
    provider: input.provider ?? mailrouteSource,
    providerType: input.providerType ?? mailrouteSource,
    providerMessageId: input.providerMessageId ?? null,
    providerEventId: null,
    dedupeKey: null,
    type: input.type,
    bounce: null,
    recipient,
    occurredAt: at,
    receivedAt: at,
    reason: input.reason ?? null,
    smtpCode: null,
    enhancedStatus: null,
    url: null,
    userAgent: null,
    tags: input.tags,
    metadata: input.metadata,
    raw: null,
  }));
}
