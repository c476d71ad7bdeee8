import { WebhookPayloadError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { mapMailjetEvents } from "./map-mailjet-event";

const base = { time: 1498093527, MessageID: "12345678901234567", email: "someone@example.com" };

function mapOne(fields: Record<string, unknown>) {
  const [event] = mapMailjetEvents([{ ...base, ...fields }]);
  return event!;
}

describe("mapMailjetEvents", () => {
  it("maps an event name it does not know to unknown", () => {
    expect(mapOne({ event: "subscribe" })).toMatchObject({ type: "unknown", bounce: null });
  });

  it.each([
    ["sent", "delivered"],
    ["open", "opened"],
    ["click", "clicked"],
    ["blocked", "rejected"],
    ["spam", "complained"],
    ["unsub", "unsubscribed"],
  ])("maps %s to %s", (name, type) => {
    expect(mapOne({ event: name }).type).toBe(type);
  });

  it("does not treat inherited object keys as event names", () => {
    expect(mapOne({ event: "constructor" }).type).toBe("unknown");
  });

  it("classes a bounce by hard_bounce, and as undetermined without it", () => {
    expect(mapOne({ event: "bounce", hard_bounce: true }).bounce).toBe("hard");
    expect(mapOne({ event: "bounce", hard_bounce: false }).bounce).toBe("soft");
    expect(mapOne({ event: "bounce" }).bounce).toBe("undetermined");
  });

  it("reports a greylisted soft bounce as deferred, without a bounce class", () => {
    expect(mapOne({ event: "bounce", hard_bounce: false, error: "greylisted" })).toMatchObject({
      type: "deferred",
      bounce: null,
    });
    expect(mapOne({ event: "bounce", hard_bounce: true, error: "greylisted" }).type).toBe(
      "bounced",
    );
  });

  it("reads mailroute_id from a JSON Payload and leaves it out of metadata", () => {
    const event = mapOne({
      event: "sent",
      Payload: '{"mailroute_id": "msg_123", "order": "A-1", "count": 3, "nested": {"a": 1}}',
    });
    expect(event.mailrouteId).toBe("msg_123");
    expect(event.metadata).toEqual({ order: "A-1", count: "3", nested: '{"a":1}' });
  });

  it.each([
    ["text that is not JSON", "plain text"],
    ["a JSON array", "[1, 2]"],
    ["a JSON string", '"msg_123"'],
  ])("keeps a Payload of %s out of metadata", (_name, payload) => {
    expect(mapOne({ event: "sent", Payload: payload })).toMatchObject({
      mailrouteId: null,
      metadata: {},
    });
  });

  it("lowercases the recipient and strips a display name", () => {
    expect(mapOne({ event: "open", email: "Alice <Alice@Example.COM>" }).recipient).toBe(
      "alice@example.com",
    );
  });

  it("reads a time given as text, and leaves a missing one null", () => {
    expect(mapOne({ event: "open", time: "1498093527" }).occurredAt).toBe(
      "2017-06-22T01:05:27.000Z",
    );
    expect(mapOne({ event: "open", time: null }).occurredAt).toBe(null);
    expect(mapOne({ event: "open", time: "yesterday" }).occurredAt).toBe(null);
    expect(mapOne({ event: "open", time: 1e20 }).occurredAt).toBe(null);
  });

  it("reads the SMTP code and enhanced status from a bounce comment", () => {
    expect(
      mapOne({
        event: "bounce",
        error_related_to: "recipient",
        error: "user unknown",
        comment: "550 5.1.1 <someone@example.com>: Recipient address rejected",
      }),
    ).toMatchObject({
      reason: "550 5.1.1 <someone@example.com>: Recipient address rejected",
      smtpCode: 550,
      enhancedStatus: "5.1.1",
    });
  });

  it("explains a bounce without a diagnostic by what the error relates to", () => {
    expect(
      mapOne({ event: "bounce", error_related_to: "recipient", error: "user unknown" }),
    ).toMatchObject({ reason: "recipient: user unknown", smtpCode: null, enhancedStatus: null });
  });

  it("keeps the untouched item as raw and leaves deduplication to the server", () => {
    const item = { ...base, event: "click", url: "https://example.com/a", ip: "127.0.0.1" };
    const [event] = mapMailjetEvents([item]);
    expect(event).toMatchObject({
      raw: item,
      url: "https://example.com/a",
      dedupeKey: null,
      providerEventId: null,
    });
  });

  it("returns the same events for the same payload", () => {
    const payload = [{ ...base, event: "open" }];
    expect(mapMailjetEvents(payload)).toEqual(mapMailjetEvents(payload));
  });

  it("rejects a payload that is not a batch of event items", () => {
    expect(() => mapMailjetEvents({ event: "sent" })).toThrow(WebhookPayloadError);
    expect(() => mapMailjetEvents([{ time: 1 }])).toThrow(WebhookPayloadError);
  });
});
