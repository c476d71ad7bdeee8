import type { AttemptError } from "../dispatch/run-plan";
import type { AttemptOutcome } from "../errors/attempt-outcomes";
import type { EmailMessage } from "../message/message-schema";
import type { ClaimedJob } from "../store/mail-store";

/** A message's dispatch job id: one job per message, named after it (`msg_x` → `job_x`). */
export function jobIdOf(messageId: string): string {
  return `job_${messageId.slice("msg_".length)}`;
}

/**
 * What a claim writes on an attempt a dead worker left in flight: ambiguous, because the provider
 * may have accepted the message before the worker stopped.
 */
export const interruptedAttemptError: AttemptError = {
  class: "ambiguous",
  reason: "interrupted",
  code: "INTERRUPTED",
  message:
    "the worker stopped during the provider call; the provider may have accepted the message",
};

/** An attempt of the claimed message as the claim reads it, in the order the attempts started. */
export interface AttemptOnClaim {
  id: string;
  provider: string;
  outcome: AttemptOutcome | "in_flight";
  /** The stored error's `code`, if any. */
  errorCode: string | null;
  providerMessageId: string | null;
}

/**
 * The attempts a claim marks ambiguous with {@link interruptedAttemptError}: those still in flight.
 * A job is only claimed when its lease is free or expired, so no live worker is inside them.
 */
export function attemptsToInterrupt(attempts: readonly AttemptOnClaim[]): string[] {
  return attempts.filter((attempt) => attempt.outcome === "in_flight").map((attempt) => attempt.id);
}

function isInterrupted(attempt: AttemptOnClaim): boolean {
  return (
    attempt.outcome === "in_flight" ||
    (attempt.outcome === "ambiguous" && attempt.errorCode === interruptedAttemptError.code)
  );
}

/**
 * What a claimed job carries to the dispatcher, from its job and message rows and the message's
 * attempts read before the claim marked any (see {@link attemptsToInterrupt}).
 */
export function claimedJobOf(input: {
  jobId: string;
  rounds: number;
  pinnedProvider: string | null;
  message: EmailMessage;
  acceptedAt: Date;
  possibleDuplicate: boolean;
  attempts: readonly AttemptOnClaim[];
}): ClaimedJob {
  const accepted = input.attempts.find((attempt) => attempt.outcome === "accepted");
  return {
    jobId: input.jobId,
    message: input.message,
    acceptedAt: input.acceptedAt,
    rounds: input.rounds,
    pinnedProvider: input.pinnedProvider,
    // A worker died after recording the provider's acceptance but before completing the message:
    // it is sent and must not be sent again.
    acceptedAttempt: accepted
      ? { provider: accepted.provider, providerMessageId: accepted.providerMessageId }
      : null,
    possibleDuplicate: input.possibleDuplicate,
    // Every interrupted attempt, not only those this claim marks: should this round die too
    // before its next write, the next claim still knows the provider may have the message.
    interruptedAttempts: input.attempts
      .filter(isInterrupted)
      .map((attempt) => ({ id: attempt.id, provider: attempt.provider })),
  };
}
