import type { EmailMessage } from "../message/message-schema";
import type { SkippedProvider } from "../routing/plan-route";
import type { RetryPolicy } from "../routing/route-schema";
import type { ClaimedJob } from "../store/mail-store";
import { computeBackoff } from "./compute-backoff";
import { deliveryDeadline } from "./delivery-deadline";
import { type AttemptError, type PlanResult, toAttemptError } from "./run-plan";

/** What a round of a message's dispatch came to, and what the retry policy allows. */
export interface SettleRoundInput {
  job: Pick<ClaimedJob, "rounds" | "pinnedProvider" | "acceptedAt"> & {
    message: Pick<EmailMessage, "sendAt">;
  };
  result: PlanResult;
  /** The route's retry policy over the server's. */
  retry: RetryPolicy;
  /** Milliseconds since the epoch. */
  now: number;
  /** The backoff's jitter; injected by tests. */
  random?: (() => number) | undefined;
}

/** What to write for the message after a round. */
export type Settlement =
  | {
      kind: "sent";
      provider: string;
      providerMessageId: string | null;
      possibleDuplicate: boolean;
    }
  | {
      kind: "failed";
      error: AttemptError;
      possibleDuplicate: boolean;
      /**
       * Addresses the provider refuses for good (Postmark's inactive recipients), to be
       * suppressed for every provider before the message is failed.
       */
      suppress?: { recipients: string[]; provider: string; note: string } | undefined;
    }
  | {
      /** The same provider was ambiguous twice: someone decides (release or cancel). */
      kind: "held";
      provider: string;
      error: AttemptError;
    }
  | {
      kind: "retry";
      runAt: Date;
      error: AttemptError;
      possibleDuplicate: boolean;
      /** The next round tries only this provider (`retryThenHold`). */
      pin: string | undefined;
    };

/** One line naming why each provider of the last round did not take the message. */
function describeRound(
  errors: readonly { provider: string; message: string }[],
  skipped: readonly SkippedProvider[],
): string {
  const reasons = new Map<string, string>();
  for (const error of errors) {
    reasons.set(error.provider, error.message);
  }
  for (const skip of skipped) {
    if (!reasons.has(skip.provider)) {
      reasons.set(skip.provider, `skipped (${skip.reason}: ${skip.detail})`);
    }
  }
  return [...reasons].map(([provider, reason]) => `${provider}: ${reason}`).join("; ");
}

/**
 * Decides how a round ends: sent; failed (suppressing the recipients a provider refuses for
 * good); held after a second ambiguous try at the pinned provider; retried after the backoff; or
 * failed once the rounds or the deadline are used up, naming each provider's reason.
 */
export function settleRound(input: SettleRoundInput): Settlement {
  const { job, result, retry } = input;
  if (result.kind === "sent") {
    return {
      kind: "sent",
      provider: result.provider,
      providerMessageId: result.providerMessageId,
      possibleDuplicate: result.possibleDuplicate,
    };
  }
  if (result.kind === "failed") {
    const { error } = result;
    const settlement: Settlement = {
      kind: "failed",
      error: toAttemptError(error),
      possibleDuplicate: result.possibleDuplicate,
    };
    if (error.reason === "recipient_suppressed") {
      settlement.suppress = {
        recipients: [...error.rejectedRecipients],
        provider: error.provider,
        note: error.message,
      };
    }
    return settlement;
  }
  if (result.pin && job.pinnedProvider === result.pin) {
    const error = result.lastError;
    return {
      kind: "held",
      provider: result.pin,
      error: {
        class: "ambiguous",
        reason: error?.reason ?? "unknown",
        code: error?.providerCode,
        message: `held after two ambiguous tries at ${result.pin}: ${error?.message ?? "no answer"}`,
        statusCode: error?.statusCode,
      },
    };
  }
  const rounds = job.rounds + 1;
  const delay = computeBackoff(rounds, retry, {
    retryAfterMs: result.retryAfterMs,
    random: input.random,
  });
  const runAt = input.now + delay;
  const lastError: AttemptError = result.lastError
    ? toAttemptError(result.lastError)
    : {
        class: "retryable",
        reason: "provider_unavailable",
        message: "no provider could take the message now",
      };
  if (rounds >= retry.maxAttempts || runAt > deliveryDeadline(job, retry.deadlineMs)) {
    const why = rounds >= retry.maxAttempts ? `after ${rounds} rounds` : "before its deadline";
    return {
      kind: "failed",
      error: {
        ...lastError,
        message: `not sent ${why}: ${describeRound(result.errors, result.skipped) || lastError.message}`,
      },
      possibleDuplicate: result.possibleDuplicate,
    };
  }
  return {
    kind: "retry",
    runAt: new Date(runAt),
    error: lastError,
    possibleDuplicate: result.possibleDuplicate,
    pin: result.pin,
  };
}
