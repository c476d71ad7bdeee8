/** Where a message stands. Dispatch moves it up to `sent` or `failed`; provider events go on from there. */
export const messageStatuses = [
  "queued",
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
] as const;

/** One of {@link recipientStatuses}. */
export type RecipientStatus = (typeof recipientStatuses)[number];

// The moves dispatch may make. `sending → queued` is a retry later; anything past `sent` belongs
// to provider events.
const dispatchMoves: Record<MessageStatus, readonly MessageStatus[]> = {
  queued: ["sending", "failed", "rejected"],
  sending: ["queued", "sent", "failed", "held"],
  sent: [],
  deferred: [],
  delivered: [],
  bounced: [],
  complained: [],
  rejected: [],
  failed: [],
  held: ["queued", "failed"],
};

/** True when dispatch may move a message from `from` to `to`. */
export function canDispatchMove(from: MessageStatus, to: MessageStatus): boolean {
  return dispatchMoves[from].includes(to);
}

/** True for states dispatch never leaves. */
export function isDispatchFinal(status: MessageStatus): boolean {
  return dispatchMoves[status].length === 0;
}
