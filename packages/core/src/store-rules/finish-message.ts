import type { AttemptError } from "../dispatch/run-plan";
import { aggregateMessageStatus } from "../status/advance-status";
import {
  canDispatchMove,
  type MessageStatus,
  messageStatuses,
  type RecipientStatus,
} from "../status/message-status";

/** The statuses from which a message's first attempt of a round marks it `sending`. */
export const attemptStartStatuses: readonly MessageStatus[] = messageStatuses.filter((status) =>
  canDispatchMove(status, "sending"),
);

/**
 * The recipients a dispatch move (sent, failed, rejected, cancelled) takes, all of them or only
 * `emails`: those still `queued`. A suppressed one stays `rejected`, and one a fast webhook
 * already advanced keeps its status. Each moved recipient gets one event of the move.
 */
export function recipientsToMove(
  recipients: readonly { email: string; status: RecipientStatus }[],
  emails?: readonly string[],
): string[] {
  const queued = recipients
    .filter((recipient) => recipient.status === "queued")
    .map((recipient) => recipient.email);
  if (!emails) {
    return queued;
  }
  const stillQueued = new Set(queued);
  return [...new Set(emails)].filter((email) => stillQueued.has(email));
}

/**
 * The recipients' statuses once a move took `moved` to `status`, for the message's aggregate.
 */
export function statusesAfterMove(
  recipients: readonly { email: string; status: RecipientStatus }[],
  moved: readonly string[],
  status: RecipientStatus,
): RecipientStatus[] {
  const taken = new Set(moved);
  return recipients.map((recipient) => (taken.has(recipient.email) ? status : recipient.status));
}

/**
 * The status a message leaves dispatch with: `failed` when the round failed it; when sent, what
 * its recipients come to (a recipient a webhook already moved past `sent` shows).
 */
export function completedMessageStatus(
  status: "sent" | "failed",
  recipients: readonly RecipientStatus[],
): MessageStatus {
  return status === "failed" ? "failed" : aggregateMessageStatus(recipients);
}

/** The error stored on a message rejected because none of its recipients may be sent to. */
export function suppressedMessageError(reason: string): AttemptError {
  return {
    class: "permanent",
    reason: "recipient_suppressed",
    code: "SUPPRESSED",
    message: reason,
  };
}

/** The reason on the `cancelled` event of each recipient of a message cancelled through the API. */
export const cancelledThroughApi = "cancelled through the API";

/**
 * Whether a message may be cancelled at `at`: held, queued or scheduled (see `canDispatchMove`),
 * and not being sent right now (a worker's lease on its job still running), since a message
 * cannot be cancelled halfway through a provider call.
 */
export function canCancel(
  status: MessageStatus | null,
  jobLeaseUntil: number | null,
  at: Date,
): boolean {
  if (status === null || !canDispatchMove(status, "cancelled")) {
    return false;
  }
  return jobLeaseUntil === null || jobLeaseUntil <= at.getTime();
}

/** Whether a message may be released into the queue again: only a held one is. */
export function canRelease(status: MessageStatus | null): boolean {
  return status === "held";
}
