import type { AttemptOutcome } from "../errors/attempt-outcomes";
import { isProviderError, ProviderError } from "../errors/provider-error";
import type { EmailMessage } from "../message/message-schema";
import type { EmailProvider } from "../provider/email-provider";
import type { SkippedProvider } from "../routing/plan-route";
import type { AmbiguousPolicy } from "../routing/route-schema";
import {
  type EligibilityState,
  type Ineligibility,
  whyNotEligible,
} from "../routing/why-not-eligible";
import { isOpenBreakerError, type ProviderBreakers } from "./provider-breakers";

/** A failed try as the attempt log records it. */
export interface AttemptError {
  class: Exclude<AttemptOutcome, "accepted">;
  reason: string;
  code?: string | undefined;
  message: string;
  statusCode?: number | undefined;
}

/** How one try ended. */
export interface AttemptResult {
  outcome: AttemptOutcome;
  durationMs: number;
  providerMessageId?: string | null | undefined;
  error?: AttemptError | undefined;
}

/** Persists attempts: `start` is called before the provider call, so a crash leaves evidence. */
export interface AttemptRecorder {
  start(provider: string): Promise<string>;
  finish(attemptId: string, result: AttemptResult): Promise<void>;
}

/** What running a plan came to. */
export type PlanResult =
  | {
      kind: "sent";
      provider: string;
      providerMessageId: string | null;
      possibleDuplicate: boolean;
      skipped: SkippedProvider[];
    }
  | { kind: "failed"; error: ProviderError; possibleDuplicate: boolean; skipped: SkippedProvider[] }
  | {
      kind: "retry";
      retryAfterMs?: number | undefined;
      lastError?: ProviderError | undefined;
      /** Set by `retryThenHold`: the next round tries only this provider. */
      pin?: string | undefined;
      /** Every failed try of this round, in order, so a final failure can name each reason. */
      errors: ProviderError[];
      possibleDuplicate: boolean;
      skipped: SkippedProvider[];
    };

/** An admission's answer: a reason to skip the provider now, or null once it may be tried. */
export type Admission = (SkippedProvider & { retryAfterMs?: number }) | null;

/** Everything `runPlan` needs; the server builds it once per dispatch. */
export interface RunPlanInput {
  message: EmailMessage;
  plan: readonly string[];
  providers: ReadonlyMap<string, EmailProvider>;
  breakers: ProviderBreakers;
  onAmbiguous: AmbiguousPolicy;
  /** Longest one provider call may take before it is abandoned as ambiguous. */
  attemptTimeoutMs: number;
  recorder: AttemptRecorder;
  /** True when an earlier try of this message was ambiguous (already flagged). */
  possibleDuplicate?: boolean;
  /**
   * Admission just before a try (rate limits, quotas): a reason to skip the provider now, or
   * null after taking what the try uses. Asked only once every other check has passed.
   */
  admit?: (provider: string) => Admission | Promise<Admission>;
  /** Told of every acceptance (daily quotas count them). */
  onAccepted?: (provider: string) => void;
}

/** Turns whatever a send threw into a classified ProviderError. */
export function toProviderError(provider: string, error: unknown): ProviderError {
  if (isProviderError(error)) {
    return error;
  }
  // An adapter that throws something unclassified may have sent the request already.
  return new ProviderError({
    provider,
    outcome: "ambiguous",
    reason: "unknown",
    message: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}

/** The attempt-log form of a classified error. */
export function toAttemptError(error: ProviderError): AttemptError {
  return {
    class: error.outcome,
    reason: error.reason,
    code: error.providerCode,
    message: error.message,
    statusCode: error.statusCode,
  };
}

function withDeadline<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  provider: string,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(
        new ProviderError({
          provider,
          outcome: "ambiguous",
          reason: "timeout",
          providerCode: "DEADLINE",
          message: `no answer within ${timeoutMs} ms`,
        }),
      );
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Tries the plan's providers in order, each through its breaker, until one accepts. Moves on only
 * after a retryable failure (or an ambiguous one when the policy says fail over, flagging the
 * message); stops at a permanent failure so a bad message is not sprayed across every provider.
 */
export async function runPlan(input: RunPlanInput): Promise<PlanResult> {
  const skipped: SkippedProvider[] = [];
  let possibleDuplicate = input.possibleDuplicate ?? false;
  let lastError: ProviderError | undefined;
  const errors: ProviderError[] = [];
  let retryAfterMs: number | undefined;
  const { admit } = input;
  const eligibility: EligibilityState = { providers: input.providers, breakers: input.breakers };

  for (const name of input.plan) {
    // Asked again here, not only when planning: a provider may stall while a message waits.
    let refusal: Ineligibility | Admission = whyNotEligible(
      name,
      input.message,
      eligibility,
      "attempt",
    );
    if (!refusal && admit) {
      // Asked last, where `whyNotEligible` asks the limiter, so it takes what a try uses only
      // for a provider that is about to be tried. An answer in memory is used without a wait.
      const admitted = admit(name);
      refusal = admitted instanceof Promise ? await admitted : admitted;
    }
    const provider = input.providers.get(name);
    if (refusal || !provider) {
      skipped.push({
        provider: name,
        reason: refusal?.reason ?? "unknown_provider",
        detail: refusal?.detail ?? "not configured",
      });
      const wait = refusal?.retryAfterMs;
      if (wait !== undefined) {
        retryAfterMs = retryAfterMs === undefined ? wait : Math.min(retryAfterMs, wait);
      }
      continue;
    }
    const attemptId = await input.recorder.start(name);
    const startedAt = performance.now();
    const signal = AbortSignal.timeout(input.attemptTimeoutMs);
    try {
      const result = await input.breakers.fire(name, () =>
        withDeadline(
          provider.send(input.message, { signal, idempotencyKey: input.message.id }),
          signal,
          name,
          input.attemptTimeoutMs,
        ),
      );
      input.onAccepted?.(name);
      await input.recorder.finish(attemptId, {
        outcome: "accepted",
        durationMs: Math.round(performance.now() - startedAt),
        providerMessageId: result.providerMessageId,
      });
      return {
        kind: "sent",
        provider: name,
        providerMessageId: result.providerMessageId,
        possibleDuplicate,
        skipped,
      };
    } catch (thrown) {
      const error = isOpenBreakerError(thrown)
        ? new ProviderError({
            provider: name,
            outcome: "retryable",
            reason: "provider_unavailable",
            providerCode: "EOPENBREAKER",
            message: "circuit open",
          })
        : toProviderError(name, thrown);
      await input.recorder.finish(attemptId, {
        outcome: error.outcome,
        durationMs: Math.round(performance.now() - startedAt),
        error: toAttemptError(error),
      });
      lastError = error;
      errors.push(error);
      if (error.reason === "authentication" && error.outcome === "retryable") {
        // This account is broken (bad key, unverified sender): stop sending through it at once.
        input.breakers.trip(name, error.message);
      }
      if (error.outcome === "permanent") {
        return { kind: "failed", error, possibleDuplicate, skipped };
      }
      if (error.outcome === "ambiguous") {
        possibleDuplicate = true;
        if (input.onAmbiguous === "fail") {
          return { kind: "failed", error, possibleDuplicate, skipped };
        }
        if (input.onAmbiguous === "retryThenHold") {
          return { kind: "retry", pin: name, lastError: error, errors, possibleDuplicate, skipped };
        }
      }
      if (error.retryAfterMs !== undefined) {
        retryAfterMs =
          retryAfterMs === undefined
            ? error.retryAfterMs
            : Math.min(retryAfterMs, error.retryAfterMs);
      }
    }
  }
  return { kind: "retry", retryAfterMs, lastError, errors, possibleDuplicate, skipped };
}
