import {
  type AmbiguousPolicy,
  type AttemptError,
  type ClaimedJob,
  createPlanChecks,
  dropSuppressed,
  type EmailProvider,
  LeaseLostError,
  type LimitRefusal,
  type MailStore,
  newId,
  type PlanResult,
  type ProviderBreakers,
  type ProviderLimiter,
  planRoute,
  possibleDuplicateOnClaim,
  type RetryPolicy,
  type RouteConfig,
  type RoutePlan,
  recipientsOf,
  runPlan,
  settleRound,
  startRound,
} from "@mailroute/core";
import type { Logger } from "pino";
import { type ClaimLoop, createClaimLoop } from "./claim-loop";
import type { ServerMetrics } from "./metrics";

/** How the dispatch worker runs. */
export interface DispatchSettings {
  concurrency: number;
  pollIntervalMs: number;
  attemptTimeoutMs: number;
  leaseMarginMs: number;
  retry: RetryPolicy;
  onAmbiguous: AmbiguousPolicy;
}

/** Everything the worker needs, built once by the server. */
export interface DispatcherDependencies {
  store: MailStore;
  providers: ReadonlyMap<string, EmailProvider>;
  breakers: ProviderBreakers;
  limiter: ProviderLimiter;
  routes: () => readonly RouteConfig[];
  settings: DispatchSettings;
  logger: Logger;
  /** Counts attempts and finished messages. */
  metrics: Pick<ServerMetrics, "providerAttempt" | "messageFinished">;
  random?: () => number;
}

/** The in-process dispatch worker. */
export type Dispatcher = ClaimLoop;

function effectivePolicy(route: RouteConfig | undefined, settings: DispatchSettings) {
  return {
    retry: { ...settings.retry, ...route?.retry } as RetryPolicy,
    onAmbiguous: route?.onAmbiguous ?? settings.onAmbiguous,
  };
}

/** Creates the dispatch worker: claim jobs with a lease, plan, try providers, record everything. */
export function createDispatcher(dependencies: DispatcherDependencies): Dispatcher {
  const { store, providers, breakers, settings, logger, metrics } = dependencies;
  const owner = newId("wrk");
  const leaseMs = settings.attemptTimeoutMs + settings.leaseMarginMs;

  const checks = createPlanChecks(dependencies, dependencies.random);

  const fail = async (job: ClaimedJob, error: AttemptError, possibleDuplicate: boolean) => {
    await store.completeMessage({
      jobId: job.jobId,
      owner,
      messageId: job.message.id,
      status: "failed",
      possibleDuplicate,
      error,
      at: new Date(),
    });
    metrics.messageFinished("failed");
  };

  /** Writes what `settleRound` decided about the round. */
  async function finish(job: ClaimedJob, result: PlanResult, retry: RetryPolicy): Promise<void> {
    const settlement = settleRound({
      job,
      result,
      retry,
      now: Date.now(),
      random: dependencies.random,
    });
    if (settlement.kind === "sent") {
      await store.completeMessage({
        jobId: job.jobId,
        owner,
        messageId: job.message.id,
        status: "sent",
        provider: settlement.provider,
        providerType: providers.get(settlement.provider)?.type,
        providerMessageId: settlement.providerMessageId,
        possibleDuplicate: settlement.possibleDuplicate,
        at: new Date(),
      });
      metrics.messageFinished("sent");
      return;
    }
    if (settlement.kind === "failed") {
      const { suppress } = settlement;
      if (suppress) {
        // The provider refuses these addresses for good: every provider skips them from now on.
        for (const email of suppress.recipients) {
          await store.addSuppression({
            email,
            reason: "provider_rejected",
            provider: suppress.provider,
            eventId: null,
            messageId: job.message.id,
            note: suppress.note,
            at: new Date(),
          });
        }
      }
      await fail(job, settlement.error, settlement.possibleDuplicate);
      return;
    }
    if (settlement.kind === "held") {
      await store.holdMessage({
        jobId: job.jobId,
        owner,
        messageId: job.message.id,
        error: settlement.error,
        at: new Date(),
      });
      logger.warn(
        { messageId: job.message.id, provider: settlement.provider },
        "message held after repeated ambiguous tries",
      );
      return;
    }
    await store.retryLater({
      jobId: job.jobId,
      owner,
      messageId: job.message.id,
      runAt: settlement.runAt,
      possibleDuplicate: settlement.possibleDuplicate,
      error: settlement.error,
      pin: settlement.pin,
    });
  }

  /**
   * Drops suppressed recipients before routing: each gets a `rejected` event and no provider
   * call. Returns the message to send, or null when nothing is left to send.
   */
  async function withoutSuppressed(job: ClaimedJob): Promise<ClaimedJob["message"] | null> {
    const { message } = job;
    const all = recipientsOf(message);
    const suppressed = new Set((await store.findSuppressions(all)).map((entry) => entry.email));
    const split = dropSuppressed(message, suppressed);
    const at = new Date();
    for (const rejection of split.rejections) {
      await store.rejectRecipients({
        messageId: message.id,
        jobId: job.jobId,
        owner,
        recipients: rejection.recipients,
        reason: rejection.reason,
        final: rejection.final,
        at,
      });
    }
    if (!split.message) {
      metrics.messageFinished("rejected");
      logger.info(
        { messageId: message.id, suppressed: suppressed.size },
        "rejected: every to recipient is suppressed",
      );
    }
    return split.message;
  }

  async function dispatch(claimed: ClaimedJob): Promise<void> {
    if (claimed.acceptedAttempt) {
      // A worker died after a provider accepted the message and before it was completed:
      // complete it now, and never ask a provider again.
      await store.completeMessage({
        jobId: claimed.jobId,
        owner,
        messageId: claimed.message.id,
        status: "sent",
        provider: claimed.acceptedAttempt.provider,
        providerType: providers.get(claimed.acceptedAttempt.provider)?.type,
        providerMessageId: claimed.acceptedAttempt.providerMessageId,
        // An earlier ambiguous or interrupted attempt elsewhere may have delivered it too.
        possibleDuplicate: possibleDuplicateOnClaim(claimed, providers),
        at: new Date(),
      });
      metrics.messageFinished("sent");
      return;
    }
    const message = await withoutSuppressed(claimed);
    if (!message) {
      return;
    }
    const job = { ...claimed, message };
    const routes = dependencies.routes();
    const chosen = planRoute(job.message, [...routes], checks);
    const route = routes.find((candidate) => candidate.name === chosen?.route);
    const { retry, onAmbiguous } = effectivePolicy(route, settings);
    const start = startRound({ job, chosen, providers, onAmbiguous, retry, now: Date.now() });
    if (start.kind === "failed") {
      await fail(job, start.error, start.possibleDuplicate);
      return;
    }
    const { plan, possibleDuplicate } = start;
    // Writes the round does not wait for, each caught at once: one the database refuses (a full
    // disk) must fail this round, not go unhandled and end the process while the round goes on.
    const pendingWrites: Promise<unknown>[] = [];
    const writeLater = (write: Promise<unknown>) => {
      pendingWrites.push(
        write.then(
          () => undefined,
          (error: unknown) => ({ failed: error }),
        ),
      );
    };
    // Which provider each attempt of this round went to, for its log line.
    const attemptProviders = new Map<string, string>();
    const result = await runPlan({
      message: job.message,
      plan,
      providers,
      breakers,
      onAmbiguous,
      attemptTimeoutMs: settings.attemptTimeoutMs,
      possibleDuplicate,
      admit: (provider) => {
        const toSkip = (limited: LimitRefusal | null) =>
          limited
            ? {
                provider,
                reason: limited.reason,
                detail: limited.detail,
                retryAfterMs: limited.retryAfterMs,
              }
            : null;
        const admitted = dependencies.limiter.admit(provider);
        return admitted instanceof Promise ? admitted.then(toSkip) : toSkip(admitted);
      },
      onAccepted: (provider) => dependencies.limiter.recordAccepted(provider),
      recorder: {
        start: async (provider) => {
          const now = Date.now();
          const attemptId = await store.startAttempt({
            messageId: job.message.id,
            jobId: job.jobId,
            owner,
            provider,
            startedAt: new Date(now),
            leaseUntil: new Date(now + leaseMs),
          });
          attemptProviders.set(attemptId, provider);
          return attemptId;
        },
        // Not awaited here: the outcome is written with the next write (the next attempt's start,
        // or the message's completion), so they share one commit and one fsync.
        finish: (attemptId, attempt) => {
          const provider = attemptProviders.get(attemptId) ?? "";
          metrics.providerAttempt(provider, attempt.outcome, attempt.durationMs);
          writeLater(store.finishAttempt(attemptId, attempt));
          // One line per provider call; its error, when it failed, is in the attempt row.
          logger.info(
            {
              messageId: job.message.id,
              provider,
              outcome: attempt.outcome,
              durationMs: attempt.durationMs,
            },
            "attempt",
          );
          return Promise.resolve();
        },
      },
    });
    const routing: RoutePlan = {
      route: start.chosen.route,
      plan,
      skipped: [...start.chosen.skipped, ...result.skipped],
    };
    writeLater(store.saveRouting(job.message.id, routing));
    await finish(job, result, retry);
    const failed = (await Promise.all(pendingWrites)).find((outcome) => outcome !== undefined);
    if (failed) {
      throw (failed as { failed: unknown }).failed;
    }
    logger.debug({ messageId: job.message.id, result: result.kind }, "dispatched");
  }

  return createClaimLoop<ClaimedJob>({
    name: "dispatch",
    concurrency: settings.concurrency,
    pollIntervalMs: settings.pollIntervalMs,
    logger,
    claim: (limit) => store.claimJobs({ owner, limit, leaseMs, now: new Date() }),
    // Every provider call is made by this worker, so the calls stuck past the slow-call
    // threshold are exactly the dispatches that wait on nothing but a hung provider.
    stuck: () => breakers.countSlowCalls(),
    handle: (job) =>
      dispatch(job).catch((error: unknown) => {
        // This worker's lease ran out (a slow provider call, a stalled process) and another
        // worker claimed the job: whatever this one still meant to write is refused, and the
        // message is the other worker's to finish. Nothing to retry here.
        if (error instanceof LeaseLostError) {
          logger.warn(
            { messageId: job.message.id, jobId: job.jobId },
            "lease lost; another worker has the message",
          );
          return;
        }
        // The job keeps its lease and is claimed again once it expires.
        throw error;
      }),
  });
}
