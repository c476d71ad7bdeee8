import type { EmailEvent } from "../events/email-event";
import type { DeliveryAttemptRecord, DeliveryView } from "../store/webhook-outbox-store";

/** What deciding an endpoint's share of the event log needs to know of the endpoint. */
export interface FanOutEndpoint {
  enabled: boolean;
  /** The last event sequence stored before the endpoint was created. */
  startSeq: number;
  /** The event types it asked for; null for every type. */
  eventTypes: readonly string[] | null;
}

/**
 * Whether the fan-out gives an endpoint a delivery of a stored event: it is enabled, the event
 * was stored after the endpoint was created, and it is of a type the endpoint asked for. A
 * disabled endpoint does not get the events of its disabled time, even once enabled again.
 */
export function endpointReceives(
  endpoint: FanOutEndpoint,
  event: { seq: number; type: string },
): boolean {
  return (
    endpoint.enabled &&
    event.seq > endpoint.startSeq &&
    (endpoint.eventTypes === null || endpoint.eventTypes.includes(event.type))
  );
}

/** The body every endpoint receives for a stored event (see the OpenAPI `webhooks`). */
export function outboundWebhookBody(event: EmailEvent): string {
  return JSON.stringify({
    type: `message.${event.type}`,
    timestamp: event.occurredAt,
    data: event,
  });
}

/**
 * Where a delivery stands after an attempt: `retry` keeps it pending until `nextAttemptAt`
 * (at once when unset); `delivered` and `failed` end it, with no next attempt.
 */
export function deliveryAfterAttempt(
  record: Pick<DeliveryAttemptRecord, "outcome" | "at" | "nextAttemptAt">,
): { status: DeliveryView["status"]; nextAttemptAt: number | null; deliveredAt: number | null } {
  const at = record.at.getTime();
  if (record.outcome === "retry") {
    return {
      status: "pending",
      nextAttemptAt: record.nextAttemptAt?.getTime() ?? at,
      deliveredAt: null,
    };
  }
  return {
    status: record.outcome,
    nextAttemptAt: null,
    deliveredAt: record.outcome === "delivered" ? at : null,
  };
}
