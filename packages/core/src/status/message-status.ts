/** Where a message stands. Dispatch moves it up to `sent` or `failed`; provider events go on from there. */
export const messageStatuses = [
  "queued",
  /** Accepted with a `sendAt` still ahead; dispatched when it falls due. */
  "scheduled",
  "sending",
  "sent",
  "deferred",
  "delivered",
  "bounced",
  "complained",
  "rejected",
  "failed",
  /** Stopped after repeated ambiguous tries, waiting for someone to release or cancel it. */
  "held",
  /** Cancelled through the API before any provider took it. */
  "cancelled",
] as const;

/** One of {@link messageStatuses}. */
export type MessageStatus = (typeof messageStatuses)[number];

/** Where one recipient of a message stands. */
export const recipientStatuses = [
  "queued",
  "sent",
  "deferred",
  "delivered",
  "opened",
  "clicked",
  "bounced",
  "complained",
  "unsubscribed",
  "rejected",
  "failed",
  "cancelled",
] as const;

/** One of {@link recipientStatuses}. */
export type RecipientStatus = (typeof recipientStatuses)[number];

/**
 * The status a message is stored with: `scheduled` while the time it may first be dispatched is
 * still ahead (a future `sendAt`), else `queued` (a `sendAt` in the past is sent at once).
 */
export function acceptedStatus(runAt: Date, acceptedAt: Date): "queued" | "scheduled" {
  return runAt.getTime() > acceptedAt.getTime() ? "scheduled" : "queued";
}

// The moves dispatch may make. `sending → queued` is a retry later; anything past `sent` belongs
// to provider events.
const dispatchMoves: Record<MessageStatus, readonly MessageStatus[]> = {
  queued: ["sending", "failed", "rejected", "cancelled"],
  scheduled: ["sending", "failed", "rejected", "cancelled"],
  sending: ["queued", "sent", "failed", "held"],
  sent: [],
  deferred: [],
  delivered: [],
  bounced: [],
  complained: [],
  rejected: [],
  failed: [],
  held: ["queued", "failed", "cancelled"],
  cancelled: [],
};

/** True when dispatch may move a message from `from` to `to`. */
export function canDispatchMove(from: MessageStatus, to: MessageStatus): boolean {
  return dispatchMoves[from].includes(to);
}

/** True for states dispatch never leaves. */
export function isDispatchFinal(status: MessageStatus): boolean {
  return dispatchMoves[status].length === 0;
}
