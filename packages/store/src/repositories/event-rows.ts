import { type EmailEvent, type EmailEventType, mailrouteSource, newId } from "@mailroute/core";
import type { deliveryEvents } from "../schema/index";

/** A row of `delivery_events` as Drizzle inserts it. */
export type EventRow = typeof deliveryEvents.$inferInsert;

/** Builds events of mailroute's own (queued, sent, failed…) for each recipient of a message. */
export function dispatchEventRows(input: {
  messageId: string;
  recipients: string[];
  type: EmailEventType;
  at: Date;
  provider?: string | undefined;
  providerType?: string | undefined;
  providerMessageId?: string | null | undefined;
  reason?: string | undefined;
  tags: string[];
  metadata: Record<string, string>;
}): EventRow[] {
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
    tags: JSON.stringify(input.tags),
    metadata: JSON.stringify(input.metadata),
    raw: null,
  }));
}

/** Maps a stored row to the API's event shape. */
export function toEmailEvent(row: typeof deliveryEvents.$inferSelect): EmailEvent {
  return {
    id: row.id,
    messageId: row.messageId,
    provider: row.provider,
    providerType: row.providerType,
    providerMessageId: row.providerMessageId,
    providerEventId: row.providerEventId,
    type: row.type,
    bounce: row.bounce,
    recipient: row.recipient,
    occurredAt: new Date(row.occurredAt).toISOString(),
    receivedAt: new Date(row.receivedAt).toISOString(),
    reason: row.reason,
    smtpCode: row.smtpCode,
    enhancedStatus: row.enhancedStatus,
    url: row.url,
    userAgent: row.userAgent,
    tags: JSON.parse(row.tags) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    raw: row.raw === null ? null : (JSON.parse(row.raw) as unknown),
  };
}
