import { newId } from "../ids";
import type { IncomingEvent } from "../store/mail-store";

/** A provider event ready to store (a delivery to one@example.com with a fresh dedupe key), for tests to vary. */
export function incomingEvent(overrides: Partial<IncomingEvent> = {}): IncomingEvent {
  return {
    type: "delivered",
    bounce: null,
    recipient: "one@example.com",
    occurredAt: "2026-11-22T10:00:00.000Z",
    providerMessageId: null,
    providerEventId: null,
    mailrouteId: null,
    reason: null,
    smtpCode: null,
    enhancedStatus: null,
    url: null,
    userAgent: null,
    tags: [],
    metadata: {},
    dedupeKey: newId("k"),
    raw: { any: "thing" },
    ...overrides,
  };
}
