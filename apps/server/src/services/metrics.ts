import {
  type AttemptOutcome,
  type BreakerState,
  MailrouteError,
  type MailStore,
  type PurgeExpiredResult,
  secretsEqual,
  type WebhookOutboxStore,
} from "@mailroute/core";
import ipaddr from "ipaddr.js";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** How a message's dispatch ended, as `mailroute_messages_finished_total` labels it. */
export type FinishedStatus = "sent" | "failed" | "rejected" | "cancelled";

/** Why a provider's webhook was refused, as `mailroute_webhook_rejected_total` labels it. */
export type WebhookRejection = "verification_failed" | "invalid_payload" | "error";

/** What the counting code records; every call is a few map lookups, off any I/O. */
export interface ServerMetrics {
  /** Messages stored by a send or a batch (never a replayed answer). */
  messagesAccepted(count: number): void;
  messageFinished(status: FinishedStatus): void;
  providerAttempt(provider: string, outcome: AttemptOutcome, durationMs: number): void;
  webhookEvents(provider: string, types: readonly string[]): void;
  webhookRejected(provider: string, reason: WebhookRejection): void;
  outboundDelivery(outcome: "delivered" | "retry" | "failed"): void;
  /** What one retention batch purged. */
  retentionPurged(result: PurgeExpiredResult): void;
}

/** What the scrape-time gauges read. */
export interface MetricsSources {
  store: Pick<MailStore, "dispatchQueueStats"> & Pick<WebhookOutboxStore, "countPendingDeliveries">;
  breakers: { state(provider: string): BreakerState };
  providers: readonly string[];
  /** prom-client's default process metrics (CPU, memory, event loop lag, GC); on in the server. */
  processMetrics: boolean;
  clock?: () => number;
}

const breakerValue: Record<BreakerState, number> = { closed: 0, halfOpen: 1, open: 2 };

/**
 * One registry per app (never prom-client's global one: tests build many apps), its counters, and
 * the gauges read from the store and the breakers when Prometheus scrapes.
 */
export function createServerMetrics(sources: MetricsSources): {
  registry: Registry;
  metrics: ServerMetrics;
} {
  const registry = new Registry();
  const registers = [registry];
  const clock = sources.clock ?? Date.now;
  if (sources.processMetrics) {
    collectDefaultMetrics({ register: registry });
  }
  const accepted = new Counter({
    name: "mailroute_messages_accepted_total",
    help: "Messages accepted and stored (single sends and batch items).",
    registers,
  });
  const finished = new Counter({
    name: "mailroute_messages_finished_total",
    help: "Messages whose dispatch ended, by final status (sent, failed, rejected, cancelled).",
    labelNames: ["status"] as const,
    registers,
  });
  const attempts = new Counter({
    name: "mailroute_provider_attempts_total",
    help: "Provider calls, by provider and outcome (accepted, retryable, permanent, ambiguous).",
    labelNames: ["provider", "outcome"] as const,
    registers,
  });
  const attemptDuration = new Histogram({
    name: "mailroute_provider_attempt_duration_seconds",
    help: "How long one provider call took, by provider.",
    labelNames: ["provider"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  new Gauge({
    name: "mailroute_provider_breaker_state",
    help: "Each provider's circuit breaker: 0 closed, 1 half-open, 2 open.",
    labelNames: ["provider"] as const,
    registers,
    collect() {
      for (const provider of sources.providers) {
        this.set({ provider }, breakerValue[sources.breakers.state(provider)]);
      }
    },
  });
  // Both dispatch gauges come from one query per scrape.
  let queue: Promise<{ depth: number; oldestDueAt: Date | null }> | null = null;
  const readQueue = () => {
    queue ??= sources.store.dispatchQueueStats(new Date(clock())).finally(() => {
      queue = null;
    });
    return queue;
  };
  new Gauge({
    name: "mailroute_dispatch_queue_depth",
    help: "Messages waiting to be dispatched (queued, scheduled, being sent or waiting for a retry).",
    registers,
    async collect() {
      this.set((await readQueue()).depth);
    },
  });
  new Gauge({
    name: "mailroute_dispatch_oldest_due_seconds",
    help: "How long the job waiting longest past its due time has waited; 0 when none is due.",
    registers,
    async collect() {
      const { oldestDueAt } = await readQueue();
      this.set(oldestDueAt ? Math.max(0, (clock() - oldestDueAt.getTime()) / 1000) : 0);
    },
  });
  const webhookEvents = new Counter({
    name: "mailroute_webhook_events_total",
    help: "Events received from providers' webhooks, by provider and event type.",
    labelNames: ["provider", "type"] as const,
    registers,
  });
  const webhookRejected = new Counter({
    name: "mailroute_webhook_rejected_total",
    help: "Provider webhook requests refused, by provider and reason.",
    labelNames: ["provider", "reason"] as const,
    registers,
  });
  const outbound = new Counter({
    name: "mailroute_outbound_deliveries_total",
    help: "Delivery attempts of mailroute's own webhooks, by outcome (delivered, retry, failed).",
    labelNames: ["outcome"] as const,
    registers,
  });
  const purged = new Counter({
    name: "mailroute_retention_purged_total",
    help: "What retention purged: message contents and captured copies (content), raw provider payloads (raw), whole records (records).",
    labelNames: ["part"] as const,
    registers,
  });
  new Gauge({
    name: "mailroute_outbound_backlog",
    help: "Outbound webhook deliveries still to be made.",
    registers,
    async collect() {
      this.set(await sources.store.countPendingDeliveries());
    },
  });
  return {
    registry,
    metrics: {
      messagesAccepted: (count) => accepted.inc(count),
      messageFinished: (status) => finished.inc({ status }),
      providerAttempt: (provider, outcome, durationMs) => {
        attempts.inc({ provider, outcome });
        attemptDuration.observe({ provider }, durationMs / 1000);
      },
      webhookEvents: (provider, types) => {
        for (const type of types) {
          webhookEvents.inc({ provider, type });
        }
      },
      webhookRejected: (provider, reason) => webhookRejected.inc({ provider, reason }),
      outboundDelivery: (outcome) => outbound.inc({ outcome }),
      retentionPurged: (result) => {
        for (const part of ["content", "raw", "records"] as const) {
          purged.inc({ part }, result[part]);
        }
      },
    },
  };
}

/** Who asks for `/metrics`, as the route read it. */
export interface ScrapeRequest {
  authorization: string | undefined;
  /** The TCP peer's address; undefined when the app is not served over a socket. */
  remoteAddress: string | undefined;
  /** Whether the request carries `Forwarded` or `X-Forwarded-For`: it came through a proxy. */
  forwarded: boolean;
}

function isLoopback(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) {
    return false;
  }
  return ipaddr.process(address).range() === "loopback";
}

/**
 * `/metrics`: with `metrics.token` configured only a request bearing it (401 otherwise); without
 * one, only a request from a loopback address that did not come through a proxy (403 otherwise).
 */
export function createMetricsService(dependencies: {
  registry: Registry;
  token?: string | undefined;
}) {
  const { registry } = dependencies;
  const expected = dependencies.token ? `Bearer ${dependencies.token}` : null;
  return {
    async scrape(request: ScrapeRequest): Promise<{ contentType: string; body: string }> {
      if (expected) {
        // Constant time, whatever was presented (core's comparison of provider webhook secrets).
        if (!(await secretsEqual(request.authorization ?? "", expected))) {
          throw new MailrouteError(
            "UNAUTHORIZED",
            "/metrics needs the bearer token set as metrics.token",
          );
        }
      } else if (request.forwarded || !isLoopback(request.remoteAddress)) {
        throw new MailrouteError(
          "FORBIDDEN",
          "/metrics answers only loopback requests unless metrics.token is set in the configuration",
        );
      }
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** The metrics service. */
export type MetricsService = ReturnType<typeof createMetricsService>;
