import { suppressionReasonOf } from "../status/advance-status";
import type { IncomingEvent, Suppression } from "../store/mail-store";

/**
 * The suppression-list entry a stored provider event asks for (hard bounces, complaints and
 * unsubscribes of a known recipient; see {@link suppressionReasonOf}), or null. The store adds it
 * only when the address is not listed yet: the first entry wins, and only an added address counts
 * as suppressed by this event.
 */
export function suppressionOfEvent(
  event: Pick<IncomingEvent, "type" | "bounce" | "recipient" | "reason">,
  source: { provider: string; eventId: string; messageId: string | null },
): Omit<Suppression, "createdAt"> | null {
  const reason = suppressionReasonOf(event.type, event.bounce);
  if (!reason || !event.recipient) {
    return null;
  }
  return {
    email: event.recipient,
    reason,
    provider: source.provider,
    eventId: source.eventId,
    messageId: source.messageId,
    note: event.reason,
  };
}

/** The addresses a suppression lookup asks about: lowercased, each once, in order. */
export function suppressionLookupEmails(emails: readonly string[]): string[] {
  return [...new Set(emails.map((address) => address.toLowerCase()))].sort();
}
