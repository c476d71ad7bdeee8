import type { EmailMessage } from "../message/message-schema";

/**
 * When a message stops being worth sending, in ms since the epoch: `deadlineMs` after it fell
 * due, which is its `sendAt` when that is later than its acceptance. A message scheduled for
 * tomorrow has its whole deadline tomorrow, not one that ran out while it waited.
 */
export function deliveryDeadline(
  job: { acceptedAt: Date; message: Pick<EmailMessage, "sendAt"> },
  deadlineMs: number,
): number {
  const accepted = job.acceptedAt.getTime();
  const sendAt = job.message.sendAt === undefined ? Number.NaN : Date.parse(job.message.sendAt);
  return (Number.isNaN(sendAt) ? accepted : Math.max(accepted, sendAt)) + deadlineMs;
}
