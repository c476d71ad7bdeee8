import { describe, expect, it } from "vitest";
import type { EmailEvent } from "../events/email-event";
import { deliveryAfterAttempt, endpointReceives, outboundWebhookBody } from "./outbound-fan-out";

describe("endpointReceives", () => {
  const endpoint = { enabled: true, startSeq: 10, eventTypes: null };
  it("gives an enabled endpoint every event stored after it was created", () => {
    expect(endpointReceives(endpoint, { seq: 11, type: "delivered" })).toBe(true);
    expect(endpointReceives(endpoint, { seq: 10, type: "delivered" })).toBe(false);
  });
  it("gives a disabled endpoint nothing", () => {
    expect(endpointReceives({ ...endpoint, enabled: false }, { seq: 11, type: "delivered" })).toBe(
      false,
    );
  });
  it("gives only the types asked for", () => {
    const some = { ...endpoint, eventTypes: ["bounced"] };
    expect(endpointReceives(some, { seq: 11, type: "bounced" })).toBe(true);
    expect(endpointReceives(some, { seq: 11, type: "delivered" })).toBe(false);
    expect(endpointReceives({ ...endpoint, eventTypes: [] }, { seq: 11, type: "bounced" })).toBe(
      false,
    );
  });
});

describe("outboundWebhookBody", () => {
  it("names the type under message., dated when the event occurred, the event as data", () => {
    const event = { id: "evt_1", type: "delivered", occurredAt: "2026-11-22T10:00:00.000Z" };
    expect(JSON.parse(outboundWebhookBody(event as EmailEvent))).toEqual({
      type: "message.delivered",
      timestamp: "2026-11-22T10:00:00.000Z",
      data: event,
    });
  });
});

describe("deliveryAfterAttempt", () => {
  const at = new Date(5_000);
  it("keeps a retry pending until its next attempt, or at once without one", () => {
    expect(deliveryAfterAttempt({ outcome: "retry", at, nextAttemptAt: new Date(9_000) })).toEqual({
      status: "pending",
      nextAttemptAt: 9_000,
      deliveredAt: null,
    });
    expect(deliveryAfterAttempt({ outcome: "retry", at })).toEqual({
      status: "pending",
      nextAttemptAt: 5_000,
      deliveredAt: null,
    });
  });
  it("ends a delivered one, dated, and a failed one", () => {
    expect(deliveryAfterAttempt({ outcome: "delivered", at })).toEqual({
      status: "delivered",
      nextAttemptAt: null,
      deliveredAt: 5_000,
    });
    expect(deliveryAfterAttempt({ outcome: "failed", at, nextAttemptAt: new Date(9_000) })).toEqual(
      { status: "failed", nextAttemptAt: null, deliveredAt: null },
    );
  });
});
