import type { IncomingEvent } from "../store/mail-store";

/** How a store looks messages up while it correlates events; each answers null when none matches. */
export interface CorrelationLookups {
  /** The stored message with this mailroute id (the one the provider echoed back in metadata). */
  messageById(id: string): string | null;
  /** The message of an attempt at `provider` to which that provider answered `providerMessageId`. */
  messageOfAttempt(provider: string, providerMessageId: string): string | null;
}

/**
 * The message a provider's event belongs to: mailroute's own id from the event's metadata when it
 * names a stored message, else the message whose attempt at this provider (the configured name
 * that received the webhook) got the event's provider message id; null makes the event an orphan.
 * Another provider's attempt never matches: providers' message ids are only unique per provider.
 */
export function correlateEvent(
  event: Pick<IncomingEvent, "mailrouteId" | "providerMessageId">,
  provider: string,
  lookups: CorrelationLookups,
): string | null {
  if (event.mailrouteId) {
    const found = lookups.messageById(event.mailrouteId);
    if (found) {
      return found;
    }
  }
  if (event.providerMessageId) {
    return lookups.messageOfAttempt(provider, event.providerMessageId);
  }
  return null;
}

/**
 * The ids a batch of events may be correlated by, each once, for a store that reads them all
 * ahead (one query for messages, one for attempts) before answering {@link correlateEvent}'s
 * lookups from memory.
 */
export function correlationIdsOf(
  events: readonly Pick<IncomingEvent, "mailrouteId" | "providerMessageId">[],
): {
  messageIds: string[];
  providerMessageIds: string[];
} {
  const messageIds = new Set<string>();
  const providerMessageIds = new Set<string>();
  for (const event of events) {
    if (event.mailrouteId) {
      messageIds.add(event.mailrouteId);
    }
    if (event.providerMessageId) {
      providerMessageIds.add(event.providerMessageId);
    }
  }
  return { messageIds: [...messageIds], providerMessageIds: [...providerMessageIds] };
}

/**
 * {@link CorrelationLookups} answered from rows a store read ahead for one batch (see
 * {@link correlationIdsOf}): the stored messages among the batch's mailroute ids, and the
 * attempts at `provider` among its provider message ids (the first row of an id wins).
 */
export function correlationLookupsOf(rows: {
  provider: string;
  messageIds: Iterable<string>;
  attempts: Iterable<{ providerMessageId: string; messageId: string }>;
}): CorrelationLookups {
  const messages = new Set(rows.messageIds);
  const attempts = new Map<string, string>();
  for (const attempt of rows.attempts) {
    if (!attempts.has(attempt.providerMessageId)) {
      attempts.set(attempt.providerMessageId, attempt.messageId);
    }
  }
  return {
    messageById: (id) => (messages.has(id) ? id : null),
    messageOfAttempt: (provider, providerMessageId) =>
      provider === rows.provider ? (attempts.get(providerMessageId) ?? null) : null,
  };
}
