import {
  type DeliveryView,
  MailrouteError,
  newId,
  type Page,
  type WebhookEndpointPatch,
  type WebhookEndpointRecord,
  type WebhookOutboxStore,
} from "@mailroute/core";
import { generateWebhookSecret } from "./generate-webhook-secret";
import { type ResolveSafeTargetOptions, resolveSafeTarget } from "./resolve-safe-target";

/** A new endpoint, as the application describes it. */
export interface NewWebhookEndpoint {
  url: string;
  description?: string | undefined;
  eventTypes?: string[] | null | undefined;
  enabled: boolean;
}

/** Which deliveries to queue again: one by id, or those created in a time range (ISO 8601). */
export interface ReplaySelection {
  deliveryId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** What `listDeliveries` filters and pages by. */
export type DeliveryQuery = Parameters<WebhookOutboxStore["listDeliveries"]>[1];

function notFound(id: string): MailrouteError {
  return new MailrouteError("NOT_FOUND", `no webhook endpoint with id ${id}`);
}

// Either a delivery id or a whole range: anything else would replay nothing, or everything.
function parseSelection(
  selection: ReplaySelection,
): { deliveryId: string } | { since: Date; until: Date } {
  const { deliveryId, since, until } = selection;
  const hasRange = since !== undefined || until !== undefined;
  if (deliveryId !== undefined && !hasRange) {
    return { deliveryId };
  }
  if (deliveryId === undefined && since !== undefined && until !== undefined) {
    const range = { since: new Date(since), until: new Date(until) };
    if (!Number.isNaN(range.since.getTime()) && !Number.isNaN(range.until.getTime())) {
      return range;
    }
  }
  throw new MailrouteError("VALIDATION_ERROR", "name a deliveryId, or a since and until range", {
    details: [{ path: "", message: "expected {deliveryId} or {since, until} as ISO 8601 times" }],
  });
}

/**
 * The application's own webhook endpoints (outbound webhooks): each verb owns its store calls.
 * A URL is checked against loopback, private, link-local and metadata addresses before it is
 * stored; changes that affect pending deliveries wake the delivery worker.
 */
export function createWebhookEndpointsService(dependencies: {
  store: WebhookOutboxStore;
  /** Which endpoint addresses may be reached. */
  outbound: ResolveSafeTargetOptions;
  /** Wakes the delivery worker. */
  notify: () => void;
}) {
  const { store, outbound, notify } = dependencies;

  async function get(id: string): Promise<WebhookEndpointRecord> {
    const endpoint = await store.getEndpoint(id);
    if (!endpoint) {
      throw notFound(id);
    }
    return endpoint;
  }

  return {
    /** Adds an endpoint with a fresh `whsec_` secret; refuses an unsafe URL. */
    async create(input: NewWebhookEndpoint): Promise<WebhookEndpointRecord> {
      await resolveSafeTarget(input.url, outbound);
      return store.createEndpoint({
        id: newId("we"),
        url: input.url,
        description: input.description ?? null,
        eventTypes: input.eventTypes ?? null,
        enabled: input.enabled,
        secret: generateWebhookSecret(),
        at: new Date(),
      });
    },

    list(): Promise<WebhookEndpointRecord[]> {
      return store.listEndpoints();
    },

    get,

    /** Applies a patch (a new URL is checked first); enabling clears mailroute's reason. */
    async update(id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpointRecord> {
      if (patch.url) {
        await resolveSafeTarget(patch.url, outbound);
      }
      const endpoint = await store.updateEndpoint(id, patch, new Date());
      if (!endpoint) {
        throw notFound(id);
      }
      notify();
      return endpoint;
    },

    /** Deletes an endpoint and its pending deliveries. */
    async delete(id: string): Promise<void> {
      if (!(await store.deleteEndpoint(id))) {
        throw notFound(id);
      }
    },

    /** Replaces the secret; the old one keeps signing for `graceSeconds`. */
    async rotateSecret(id: string, graceSeconds: number): Promise<WebhookEndpointRecord> {
      const now = new Date();
      const endpoint = await store.rotateSecret(
        id,
        generateWebhookSecret(),
        new Date(now.getTime() + graceSeconds * 1000),
        now,
      );
      if (!endpoint) {
        throw notFound(id);
      }
      return endpoint;
    },

    /** A page of the endpoint's deliveries, newest first. */
    async listDeliveries(id: string, query: DeliveryQuery): Promise<Page<DeliveryView>> {
      await get(id);
      return store.listDeliveries(id, query);
    },

    /** Queues deliveries again, keeping their `webhook-id`; returns how many. */
    async replay(id: string, selection: ReplaySelection): Promise<{ replayed: number }> {
      await get(id);
      const parsed = parseSelection(selection);
      const replayed = await store.replayDeliveries(id, parsed, new Date());
      if ("deliveryId" in parsed && replayed === 0) {
        throw new MailrouteError("NOT_FOUND", `no delivery ${parsed.deliveryId} for this endpoint`);
      }
      notify();
      return { replayed };
    },
  };
}

/** The outbound webhook endpoints service. */
export type WebhookEndpointsService = ReturnType<typeof createWebhookEndpointsService>;
