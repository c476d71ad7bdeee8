import type { Page } from "./mail-store";

/** One of the application's webhook endpoints, as stored. */
export interface WebhookEndpointRecord {
  id: string;
  url: string;
  description: string | null;
  /** Event types it receives; null for all. */
  eventTypes: string[] | null;
  enabled: boolean;
  /** Why it was disabled by mailroute (410 Gone, failing for days); null when enabled or disabled by hand. */
  disabledReason: string | null;
  failingSince: string | null;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What can be changed on an endpoint. */
export interface WebhookEndpointPatch {
  url?: string | undefined;
  description?: string | null | undefined;
  eventTypes?: string[] | null | undefined;
  enabled?: boolean | undefined;
}

/** A delivery a worker has leased, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  endpoint: WebhookEndpointRecord;
  payload: string;
  /** Attempts made before this one. */
  attempts: number;
}

/** How one delivery attempt ended, and what it changes. */
export interface DeliveryAttemptRecord {
  deliveryId: string;
  endpointId: string;
  at: Date;
  status: number | null;
  durationMs: number;
  responseExcerpt: string;
  error: { code: string; message: string } | null;
  /** `delivered`, or `retry` at `nextAttemptAt`, or `failed` for good. */
  outcome: "delivered" | "retry" | "failed";
  nextAttemptAt?: Date | undefined;
  /** Set to disable the endpoint (410 Gone, failing for too long). */
  disableEndpoint?: string | undefined;
}

/** A delivery as `GET …/deliveries` shows it. */
export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: "pending" | "delivered" | "failed";
  attempts: {
    attemptedAt: string;
    status: number | null;
    durationMs: number;
    responseExcerpt: string;
    error: { code: string; message: string } | null;
  }[];
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** The durable outbox of outbound webhooks; every method is one transaction. */
export interface WebhookOutboxStore {
  /** Creates an endpoint that receives the events stored from now on. */
  createEndpoint(input: {
    id: string;
    url: string;
    description: string | null;
    eventTypes: string[] | null;
    enabled: boolean;
    secret: string;
    at: Date;
  }): Promise<WebhookEndpointRecord>;
  listEndpoints(): Promise<WebhookEndpointRecord[]>;
  getEndpoint(id: string): Promise<WebhookEndpointRecord | null>;
  /** Applies a patch; enabling clears the reason and the failure run. Null when not found. */
  updateEndpoint(
    id: string,
    patch: WebhookEndpointPatch,
    at: Date,
  ): Promise<WebhookEndpointRecord | null>;
  deleteEndpoint(id: string): Promise<boolean>;
  /** Replaces the secret; the old one keeps signing until `previousExpiresAt`. */
  rotateSecret(
    id: string,
    secret: string,
    previousExpiresAt: Date,
    at: Date,
  ): Promise<WebhookEndpointRecord | null>;
  /** Creates deliveries for stored events not yet fanned out (up to `limit`); returns how many events. */
  fanOutEvents(limit: number, at: Date): Promise<number>;
  claimDeliveries(input: {
    owner: string;
    limit: number;
    leaseMs: number;
    now: Date;
  }): Promise<ClaimedDelivery[]>;
  recordDeliveryAttempt(record: DeliveryAttemptRecord): Promise<void>;
  /** Deliveries not yet delivered or given up (waiting for their first try or a retry). */
  countPendingDeliveries(): Promise<number>;
  listDeliveries(
    endpointId: string,
    query: {
      status?: DeliveryView["status"] | undefined;
      limit: number;
      cursor?: string | undefined;
    },
  ): Promise<Page<DeliveryView>>;
  /** Queues deliveries again (one by id, or those created in a time range); returns how many. */
  replayDeliveries(
    endpointId: string,
    selection: { deliveryId: string } | { since: Date; until: Date },
    at: Date,
  ): Promise<number>;
}
