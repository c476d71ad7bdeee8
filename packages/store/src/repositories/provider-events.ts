import {
  advanceRecipientStatus,
  aggregateMessageStatus,
  type IncomingEvent,
  newId,
  type RecordEventsResult,
  suppressionReasonOf,
} from "@mailroute/core";
import { and, eq } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { deliveryEvents, messages, recipients, sendAttempts, suppressions } from "../schema/index";

type Transaction = Parameters<Parameters<SqliteDatabase["transaction"]>[0]>[0];

/** Finds the message an event belongs to: our id first, then the provider's id on an attempt. */
function correlate(
  tx: Transaction,
  provider: string,
  event: IncomingEvent,
  cache: Map<string, string | null>,
): string | null {
  const key = `${event.mailrouteId ?? ""}|${event.providerMessageId ?? ""}`;
  const cached = cache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  let messageId: string | null = null;
  if (event.mailrouteId) {
    messageId =
      tx.select({ id: messages.id }).from(messages).where(eq(messages.id, event.mailrouteId)).get()
        ?.id ?? null;
  }
  if (!messageId && event.providerMessageId) {
    messageId =
      tx
        .select({ messageId: sendAttempts.messageId })
        .from(sendAttempts)
        .where(
          and(
            eq(sendAttempts.providerMessageId, event.providerMessageId),
            eq(sendAttempts.provider, provider),
          ),
        )
        .get()?.messageId ?? null;
  }
  cache.set(key, messageId);
  return messageId;
}

function advance(tx: Transaction, messageId: string, event: IncomingEvent, at: number): void {
  if (!event.recipient) {
    return;
  }
  const where = and(eq(recipients.messageId, messageId), eq(recipients.email, event.recipient));
  const row = tx.select({ status: recipients.status }).from(recipients).where(where).get();
  if (!row) {
    return;
  }
  const next = advanceRecipientStatus(row.status, event.type, event.bounce);
  if (next === row.status) {
    return;
  }
  tx.update(recipients).set({ status: next, updatedAt: at }).where(where).run();
  const message = tx
    .select({ status: messages.status })
    .from(messages)
    .where(eq(messages.id, messageId))
    .get();
  // While dispatch still owns the message it sets the status itself when it finishes.
  if (!message || message.status === "queued" || message.status === "sending") {
    return;
  }
  const all = tx
    .select({ status: recipients.status })
    .from(recipients)
    .where(eq(recipients.messageId, messageId))
    .all();
  tx.update(messages)
    .set({
      status: aggregateMessageStatus(all.map((recipient) => recipient.status)),
      updatedAt: at,
    })
    .where(eq(messages.id, messageId))
    .run();
}

/** Records one webhook delivery's events in one transaction (see MailStore.recordProviderEvents). */
export function recordProviderEvents(
  db: SqliteDatabase,
  input: { provider: string; providerType: string; receivedAt: Date; events: IncomingEvent[] },
): RecordEventsResult {
  const receivedAt = input.receivedAt.getTime();
  return db.transaction(
    (tx) => {
      const result: RecordEventsResult = { stored: 0, duplicates: 0, orphans: 0, suppressed: [] };
      const cache = new Map<string, string | null>();
      for (const event of input.events) {
        const messageId = correlate(tx, input.provider, event, cache);
        const id = newId("evt", receivedAt);
        const inserted = tx
          .insert(deliveryEvents)
          .values({
            id,
            messageId,
            provider: input.provider,
            providerType: input.providerType,
            providerMessageId: event.providerMessageId,
            providerEventId: event.providerEventId,
            dedupeKey: event.dedupeKey,
            type: event.type,
            bounce: event.bounce,
            recipient: event.recipient,
            occurredAt: event.occurredAt === null ? receivedAt : Date.parse(event.occurredAt),
            receivedAt,
            reason: event.reason,
            smtpCode: event.smtpCode,
            enhancedStatus: event.enhancedStatus,
            url: event.url,
            userAgent: event.userAgent,
            tags: JSON.stringify(event.tags),
            metadata: JSON.stringify(event.metadata),
            raw: JSON.stringify(event.raw ?? null),
          })
          .onConflictDoNothing({ target: [deliveryEvents.provider, deliveryEvents.dedupeKey] })
          .run();
        if (inserted.changes === 0) {
          result.duplicates += 1;
          continue;
        }
        result.stored += 1;
        if (messageId) {
          advance(tx, messageId, event, receivedAt);
        } else {
          result.orphans += 1;
        }
        const reason = suppressionReasonOf(event.type, event.bounce);
        if (reason && event.recipient) {
          const added = tx
            .insert(suppressions)
            .values({
              email: event.recipient,
              reason,
              provider: input.provider,
              eventId: id,
              messageId,
              note: event.reason,
              createdAt: receivedAt,
            })
            .onConflictDoNothing()
            .run();
          if (added.changes > 0) {
            result.suppressed.push(event.recipient);
          }
        }
      }
      return result;
    },
    { behavior: "immediate" },
  );
}
