import type { BounceClass, EmailEventType } from "../events/email-event";
import type { MessageStatus, RecipientStatus } from "./message-status";

/**
 * How far along each recipient status is. An event moves a recipient only to a higher rank, so
 * events arriving out of order cannot move it back: an open before its delivery leaves the
 * recipient `opened` (which implies delivered), and a bounce after a delivery wins.
 */
export const recipientStatusRank: Record<RecipientStatus, number> = {
  queued: 0,
  sent: 10,
  deferred: 20,
  delivered: 30,
  opened: 40,
  clicked: 50,
  unsubscribed: 60,
  bounced: 70,
  complained: 80,
  rejected: 90,
  failed: 90,
  cancelled: 90,
};

/** The recipient status an event claims, or null for events that say nothing about it. */
export function statusOfEvent(
  type: EmailEventType,
  bounce: BounceClass | null,
): RecipientStatus | null {
  switch (type) {
    case "sent":
    case "deferred":
    case "delivered":
    case "opened":
    case "clicked":
    case "unsubscribed":
    case "complained":
    case "rejected":
    case "failed":
    case "cancelled":
      return type;
    case "bounced":
      // A soft bounce is a provider that will try again: the recipient may still be delivered.
      return bounce === "soft" ? "deferred" : "bounced";
    default:
      // queued, autoresponded and unknown do not move a recipient.
      return null;
  }
}

/** The recipient's status after an event. */
export function advanceRecipientStatus(
  current: RecipientStatus,
  type: EmailEventType,
  bounce: BounceClass | null,
): RecipientStatus {
  const next = statusOfEvent(type, bounce);
  if (next === null) {
    return current;
  }
  return recipientStatusRank[next] > recipientStatusRank[current] ? next : current;
}

// Engagement is a recipient matter; the message shows it as delivered.
const messageStatusOfRecipient: Record<RecipientStatus, MessageStatus> = {
  queued: "queued",
  sent: "sent",
  deferred: "deferred",
  delivered: "delivered",
  opened: "delivered",
  clicked: "delivered",
  unsubscribed: "delivered",
  bounced: "bounced",
  complained: "complained",
  rejected: "rejected",
  failed: "failed",
  cancelled: "cancelled",
};

/**
 * A message's status once it has left dispatch: the most advanced status among its recipients
 * (so one bounce among several deliveries shows as `bounced`; `recipients[]` has each one).
 * Recipients rejected before sending count only when every recipient was.
 */
export function aggregateMessageStatus(recipients: readonly RecipientStatus[]): MessageStatus {
  // Recipients rejected before sending (suppressed) do not speak for those that were sent.
  const sent = recipients.filter((status) => status !== "rejected");
  if (sent.length === 0 && recipients.length > 0) {
    return "rejected";
  }
  let best: RecipientStatus = "queued";
  for (const status of sent) {
    if (recipientStatusRank[status] > recipientStatusRank[best]) {
      best = status;
    }
  }
  return messageStatusOfRecipient[best];
}

/** True for events that put the address on the suppression list. */
export function suppressionReasonOf(
  type: EmailEventType,
  bounce: BounceClass | null,
): SuppressionReason | null {
  if (type === "bounced" && bounce === "hard") {
    return "hard_bounce";
  }
  if (type === "complained") {
    return "complaint";
  }
  if (type === "unsubscribed") {
    return "unsubscribe";
  }
  return null;
}

/** Why an address is on the suppression list. */
export const suppressionReasons = [
  "hard_bounce",
  "complaint",
  "unsubscribe",
  "provider_rejected",
  "manual",
] as const;

/** One of {@link suppressionReasons}. */
export type SuppressionReason = (typeof suppressionReasons)[number];
