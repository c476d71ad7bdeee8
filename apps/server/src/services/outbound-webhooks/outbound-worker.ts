import { type ClaimedDelivery, newId, type WebhookOutboxStore } from "@mailroute/core";
import type { Logger } from "pino";
import { type ClaimLoop, createClaimLoop } from "../claim-loop";
import type { ServerMetrics } from "../metrics";
import { deliverWebhook } from "./deliver-webhook";
import type { HostLookup } from "./resolve-safe-target";
import { computeWebhookRetryDelay, shouldDisableEndpoint } from "./retry-schedule";
import { signWebhook } from "./sign-webhook";

/** How outbound webhooks are delivered. */
export interface OutboundSettings {
  concurrency: number;
  pollIntervalMs: number;
  /** Deadline of one delivery attempt. */
  timeoutMs: number;
  /** A crashed worker's delivery is claimed again after this; longer than one attempt. */
  leaseMs: number;
  allowLoopback: boolean;
  allowPrivate: boolean;
  /** Overrides the standard retry schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
  retryScheduleMs?: number[] | undefined;
}

/** The worker that fans events out to endpoints and delivers them. */
export type OutboundWorker = ClaimLoop;

/** Creates the outbound-webhook worker over the store's durable outbox. */
export function createOutboundWorker(dependencies: {
  store: WebhookOutboxStore;
  settings: OutboundSettings;
  logger: Logger;
  /** Counts delivery attempts by outcome. */
  metrics: Pick<ServerMetrics, "outboundDelivery">;
  random?: () => number;
  lookup?: HostLookup;
}): OutboundWorker {
  const { store, settings, logger, metrics } = dependencies;
  const owner = newId("out");

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    const now = new Date();
    const { endpoint } = delivery;
    const previousValid =
      endpoint.previousSecret &&
      endpoint.previousSecretExpiresAt &&
      Date.parse(endpoint.previousSecretExpiresAt) > now.getTime();
    const headers = signWebhook({
      id: delivery.id,
      timestamp: Math.floor(now.getTime() / 1000),
      body: delivery.payload,
      // During a rotation's grace period both signatures are sent, the new one first.
      secrets:
        previousValid && endpoint.previousSecret
          ? [endpoint.secret, endpoint.previousSecret]
          : [endpoint.secret],
    });
    const result = await deliverWebhook({
      url: endpoint.url,
      body: delivery.payload,
      headers: {
        ...headers,
        "content-type": "application/json",
        "user-agent": "mailroute-webhooks",
      },
      timeoutMs: settings.timeoutMs,
      allowLoopback: settings.allowLoopback,
      allowPrivate: settings.allowPrivate,
      lookup: dependencies.lookup,
    });
    const base = {
      deliveryId: delivery.id,
      endpointId: endpoint.id,
      at: now,
      status: result.status,
      durationMs: result.durationMs,
      responseExcerpt: result.responseExcerpt,
      error: result.error,
    };
    if (result.ok) {
      await store.recordDeliveryAttempt({ ...base, outcome: "delivered" });
      metrics.outboundDelivery("delivered");
      return;
    }
    const failingSince = endpoint.failingSince ? Date.parse(endpoint.failingSince) : now.getTime();
    const disable = result.gone
      ? "the endpoint answered 410 Gone"
      : shouldDisableEndpoint({ firstFailureAt: failingSince, now: now.getTime() })
        ? "every delivery failed for 5 days"
        : undefined;
    const delay = computeWebhookRetryDelay({
      attempt: delivery.attempts + 2,
      retryAfterMs: result.retryAfterMs,
      random: dependencies.random,
      schedule: settings.retryScheduleMs,
    });
    const outcome = result.gone || delay === null ? "failed" : "retry";
    await store.recordDeliveryAttempt({
      ...base,
      outcome,
      nextAttemptAt: delay === null ? undefined : new Date(now.getTime() + delay),
      disableEndpoint: disable,
    });
    metrics.outboundDelivery(outcome);
    if (disable) {
      logger.warn({ endpoint: endpoint.id, reason: disable }, "webhook endpoint disabled");
    }
  }

  return createClaimLoop<ClaimedDelivery>({
    name: "outbound webhooks",
    concurrency: settings.concurrency,
    pollIntervalMs: settings.pollIntervalMs,
    logger,
    claim: async (limit) => {
      // New events become deliveries first, so one round both fans out and sends.
      await store.fanOutEvents(1000, new Date());
      return store.claimDeliveries({ owner, limit, leaseMs: settings.leaseMs, now: new Date() });
    },
    handle: attempt,
  });
}
