import { createHash } from "node:crypto";
import {
  dedupeMaterialOf,
  type IncomingEvent,
  MailrouteError,
  type MailStore,
  type ProviderEvent,
  type WebhookRequest,
} from "@mailroute/core";
import type { Logger } from "pino";
import type { ServerMetrics, WebhookRejection } from "../metrics";
import type { InboundWebhookEndpoint } from "./create-inbound-webhook-endpoints";

/** What the webhook endpoint answers. */
export interface WebhookReceipt {
  received: number;
  stored: number;
  duplicates: number;
  orphans: number;
  note?: string;
}

// Providers without a per-event id: the same item posted again hashes the same.
function dedupeKeyOf(event: ProviderEvent): string {
  return createHash("sha256").update(dedupeMaterialOf(event)).digest("hex");
}

/** The `reason` label of a refused webhook request. */
function rejectionOf(error: unknown): WebhookRejection {
  if (error instanceof MailrouteError) {
    if (error.code === "WEBHOOK_VERIFICATION_FAILED") {
      return "verification_failed";
    }
    if (error.code === "INVALID_WEBHOOK_PAYLOAD" || error.code === "VALIDATION_ERROR") {
      return "invalid_payload";
    }
  }
  return "error";
}

/** Provider webhooks (inbound webhooks): verify, parse, normalize, store in one transaction. */
export function createInboundWebhooksService(dependencies: {
  store: MailStore;
  endpoints: ReadonlyMap<string, InboundWebhookEndpoint>;
  logger: Logger;
  fetch: typeof fetch;
  /** Counts received events and refused requests, per configured provider. */
  metrics: Pick<ServerMetrics, "webhookEvents" | "webhookRejected">;
}) {
  const { store, endpoints, logger, metrics } = dependencies;
  async function receive(name: string, request: WebhookRequest): Promise<WebhookReceipt> {
    const endpoint = endpoints.get(name);
    if (!endpoint) {
      // Not counted: the provider label only ever names a configured provider.
      throw new MailrouteError("NOT_FOUND", `no provider named "${name}" receives webhooks here`);
    }
    try {
      return await receiveFor(endpoint, request);
    } catch (error) {
      metrics.webhookRejected(endpoint.name, rejectionOf(error));
      throw error;
    }
  }

  async function receiveFor(
    endpoint: InboundWebhookEndpoint,
    request: WebhookRequest,
  ): Promise<WebhookReceipt> {
    const { name } = endpoint;
    // Verification comes first and sees the raw bytes; nothing is parsed or stored before it.
    const now = new Date();
    await endpoint.webhook.verify(request, {
      now,
      fetch: dependencies.fetch,
      // Single-use values are kept in the database, per configured provider, so a replay is
      // refused after a restart and by every process sharing the database.
      claimReplayKey: (claim) =>
        store.claimWebhookReplayKey({ ...claim, provider: endpoint.name, now }),
    });
    const payload = endpoint.webhook.parse(request);
    if (payload.kind === "subscribe") {
      const response = await dependencies.fetch(payload.confirmUrl, { redirect: "error" });
      if (!response.ok) {
        throw new MailrouteError(
          "PROVIDER_ERROR",
          `confirming the subscription answered ${response.status}`,
        );
      }
      logger.info({ provider: name }, "webhook subscription confirmed");
      return { received: 0, stored: 0, duplicates: 0, orphans: 0, note: "subscription confirmed" };
    }
    if (payload.kind === "ignore") {
      return { received: 0, stored: 0, duplicates: 0, orphans: 0, note: payload.reason };
    }
    const events: IncomingEvent[] = endpoint.webhook
      .toEvents(payload.payload)
      .map((event) => ({ ...event, dedupeKey: event.dedupeKey ?? dedupeKeyOf(event) }));
    const result = await store.recordProviderEvents({
      provider: endpoint.name,
      providerType: endpoint.type,
      receivedAt: new Date(),
      events,
    });
    metrics.webhookEvents(
      endpoint.name,
      events.map((event) => event.type),
    );
    if (result.suppressed.length > 0) {
      logger.info({ provider: name, count: result.suppressed.length }, "addresses suppressed");
    }
    return {
      received: events.length,
      stored: result.stored,
      duplicates: result.duplicates,
      orphans: result.orphans,
    };
  }

  return { receive };
}

/** The inbound webhooks service. */
export type InboundWebhooksService = ReturnType<typeof createInboundWebhooksService>;
