import { describe, expect, it } from "vitest";
import { incomingEvent } from "../testing/incoming-event";
import { ownEventsOf, storedEventOf } from "./stored-event";

const receivedAt = Date.parse("2026-11-22T11:00:00.000Z");
const context = { messageId: "msg_1", provider: "sg-eu", providerType: "sendgrid", receivedAt };

describe("storedEventOf", () => {
  it("keeps the event's fields under a fresh id, with where it came from", () => {
    const event = incomingEvent({
      dedupeKey: "k1",
      providerMessageId: "p-1",
      mailrouteId: "msg_1",
    });
    const stored = storedEventOf(event, context);
    expect(stored.id).toMatch(/^evt_/);
    expect(stored).toMatchObject({
      messageId: "msg_1",
      provider: "sg-eu",
      providerType: "sendgrid",
      dedupeKey: "k1",
      providerMessageId: "p-1",
      type: "delivered",
      recipient: "one@example.com",
      occurredAt: Date.parse("2026-11-22T10:00:00.000Z"),
      receivedAt,
      raw: { any: "thing" },
    });
    expect(stored).not.toHaveProperty("mailrouteId");
  });

  it("dates an event without a time of its own when it was received", () => {
    expect(storedEventOf(incomingEvent({ occurredAt: null }), context).occurredAt).toBe(receivedAt);
  });

  it("gives every event its own id", () => {
    const event = incomingEvent();
    expect(storedEventOf(event, context).id).not.toBe(storedEventOf(event, context).id);
  });
});

describe("ownEventsOf", () => {
  const at = new Date(receivedAt);
  const base = {
    messageId: "msg_1",
    recipients: ["a@example.com", "b@example.com"],
    at,
    tags: ["welcome"],
    metadata: { plan: "pro" },
  };

  it("writes one event per recipient, from mailroute, without a dedupe key", () => {
    const events = ownEventsOf({ ...base, type: "queued" });
    expect(events.map((event) => event.recipient)).toEqual(["a@example.com", "b@example.com"]);
    for (const event of events) {
      expect(event).toMatchObject({
        messageId: "msg_1",
        provider: "mailroute",
        providerType: "mailroute",
        dedupeKey: null,
        type: "queued",
        occurredAt: receivedAt,
        receivedAt,
        tags: ["welcome"],
        metadata: { plan: "pro" },
        raw: null,
        reason: null,
      });
    }
  });

  it("names the provider that took the message, with its id and the reason", () => {
    const [event] = ownEventsOf({
      ...base,
      recipients: ["a@example.com"],
      type: "sent",
      provider: "sg-eu",
      providerType: "sendgrid",
      providerMessageId: "p-1",
      reason: "why",
    });
    expect(event).toMatchObject({
      provider: "sg-eu",
      providerType: "sendgrid",
      providerMessageId: "p-1",
      reason: "why",
    });
  });
});
