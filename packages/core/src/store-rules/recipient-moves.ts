import { advanceRecipientStatus, aggregateMessageStatus } from "../status/advance-status";
import type { MessageStatus, RecipientStatus } from "../status/message-status";
import type { IncomingEvent } from "../store/mail-store";

/**
 * A message's recipients as a batch of provider events moves them, so a store reads them once
 * per batch and writes back only those that moved (see {@link moveRecipient}).
 */
export interface RecipientMoves {
  statuses: Map<string, RecipientStatus>;
  changed: Set<string>;
}

/** The batch state of one message, from its stored recipients. */
export function recipientMovesOf(
  recipients: readonly { email: string; status: RecipientStatus }[],
): RecipientMoves {
  return {
    statuses: new Map(recipients.map((recipient) => [recipient.email, recipient.status])),
    changed: new Set(),
  };
}

/**
 * Moves the event's recipient forward in `moves` (see {@link advanceRecipientStatus}); an event
 * without a recipient, or for an address that is not one of the message's, moves nobody.
 * Returns whether it moved someone.
 */
export function moveRecipient(
  moves: RecipientMoves,
  event: Pick<IncomingEvent, "recipient" | "type" | "bounce">,
): boolean {
  const current = event.recipient ? moves.statuses.get(event.recipient) : undefined;
  if (!event.recipient || current === undefined) {
    return false;
  }
  const next = advanceRecipientStatus(current, event.type, event.bounce);
  if (next === current) {
    return false;
  }
  moves.statuses.set(event.recipient, next);
  moves.changed.add(event.recipient);
  return true;
}

/** The recipients a batch moved, with their new status: what the store writes back. */
export function movedRecipients(
  moves: RecipientMoves,
): { email: string; status: RecipientStatus }[] {
  return [...moves.changed].map((email) => ({
    email,
    status: moves.statuses.get(email) as RecipientStatus,
  }));
}

/**
 * While a message is `queued`, `scheduled` or `sending`, dispatch owns its status: events may
 * move its recipients (a fast webhook), but only dispatch sets the message's status, when it
 * finishes the round.
 */
export function isOwnedByDispatch(status: MessageStatus): boolean {
  return status === "queued" || status === "scheduled" || status === "sending";
}

/**
 * The status to store on a message after a batch of events moved its recipients, or null to
 * leave it as it is: nothing moved, the message is gone (`current` null), or dispatch still owns
 * it ({@link isOwnedByDispatch}).
 */
export function messageStatusAfterEvents(
  current: MessageStatus | null,
  moves: RecipientMoves,
): MessageStatus | null {
  if (moves.changed.size === 0 || current === null || isOwnedByDispatch(current)) {
    return null;
  }
  return aggregateMessageStatus([...moves.statuses.values()]);
}
