import type { EmailMessage } from "../message/message-schema";
import type { ProviderCapabilities } from "../provider/capabilities";
import type { RoutePlan } from "../routing/plan-route";
import type { AmbiguousPolicy, RetryPolicy } from "../routing/route-schema";
import type { ClaimedJob } from "../store/mail-store";
import { deliveryDeadline } from "./delivery-deadline";
import type { AttemptError } from "./run-plan";

/** What is known about a claimed message once its route is planned, before any provider call. */
export interface StartRoundInput {
  job: Pick<
    ClaimedJob,
    | "acceptedAt"
    | "possibleDuplicate"
    | "pinnedProvider"
    | "interruptedAttempts"
    | "ambiguousProviders"
  > & { message: Pick<EmailMessage, "sendAt"> };
  /** The planner's choice, or null when no route matches the message. */
  chosen: RoutePlan | null;
  providers: ReadonlyMap<string, { capabilities: Pick<ProviderCapabilities, "idempotency"> }>;
  onAmbiguous: AmbiguousPolicy;
  retry: Pick<RetryPolicy, "deadlineMs">;
  /** Milliseconds since the epoch. */
  now: number;
}

/** Whether to run a round, with which providers in which order, or to fail the message first. */
export type RoundStart =
  | {
      kind: "run";
      /** The planner's choice, for the routing trace. */
      chosen: RoutePlan;
      /** The providers to try this round, in order. */
      plan: string[];
      possibleDuplicate: boolean;
    }
  | { kind: "failed"; error: AttemptError; possibleDuplicate: boolean };

/**
 * Whether a claimed message may already be at a provider that cannot dedupe it: flagged before,
 * or an earlier attempt there was interrupted or answered ambiguously. A round that died before
 * storing its flag leaves exactly these attempts, so the next round (or the completion of an
 * attempt a provider accepted) flags the message from them.
 */
export function possibleDuplicateOnClaim(
  job: Pick<ClaimedJob, "possibleDuplicate" | "interruptedAttempts" | "ambiguousProviders">,
  providers: StartRoundInput["providers"],
): boolean {
  const cannotDedupe = (name: string) => !providers.get(name)?.capabilities.idempotency;
  return (
    job.possibleDuplicate ||
    job.ambiguousProviders.some(cannotDedupe) ||
    job.interruptedAttempts.some((attempt) => cannotDedupe(attempt.provider))
  );
}

/**
 * Decides the round's plan: no route fails the message; a pinned round (`retryThenHold`) asks the
 * pinned provider and no other; an attempt a crashed worker left in flight is asked again first
 * when its provider dedupes by our id, and otherwise flags the message (or fails it under the
 * `fail` policy); a message past its delivery deadline fails.
 */
export function startRound(input: StartRoundInput): RoundStart {
  const { job, chosen, providers } = input;
  if (!chosen) {
    return {
      kind: "failed",
      error: {
        class: "permanent",
        reason: "unsupported",
        code: "NO_ROUTE",
        message: "no route matches this message",
      },
      possibleDuplicate: job.possibleDuplicate,
    };
  }
  let plan =
    job.pinnedProvider && providers.has(job.pinnedProvider) ? [job.pinnedProvider] : chosen.plan;
  // Already true when an interrupted attempt below is at a provider that cannot dedupe.
  const possibleDuplicate = possibleDuplicateOnClaim(job, providers);
  for (const interrupted of job.interruptedAttempts) {
    if (providers.get(interrupted.provider)?.capabilities.idempotency) {
      // The provider dedupes by our id: asking it again is safe and tells us what happened.
      plan = [interrupted.provider, ...plan.filter((name) => name !== interrupted.provider)];
      continue;
    }
    if (input.onAmbiguous === "fail") {
      return {
        kind: "failed",
        error: {
          class: "ambiguous",
          reason: "interrupted",
          code: "INTERRUPTED",
          message: "the worker stopped during the provider call",
        },
        possibleDuplicate: true,
      };
    }
  }
  if (deliveryDeadline(job, input.retry.deadlineMs) < input.now) {
    return {
      kind: "failed",
      error: {
        class: "retryable",
        reason: "timeout",
        code: "DEADLINE",
        message: "the message's delivery deadline passed",
      },
      possibleDuplicate,
    };
  }
  return { kind: "run", chosen, plan, possibleDuplicate };
}
