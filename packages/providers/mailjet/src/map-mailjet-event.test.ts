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

  it.each([
    // `hard_bounce` says only "permanent": the receiver's reply in `comment` says which class.
    [true, "550 5.7.1 Service unavailable; Client host blocked using Spamhaus", "block"],
    [
      true,
      "550 5.7.1 Unfortunately, messages from [x] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
      "block",
    ],
    [undefined, "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown", "hard"],
    [undefined, "550 5.1.10 RESOLVER.ADR.RecipientNotFound", "hard"],
    [undefined, "452 4.2.2 The email account that you tried to reach is over quota", "soft"],
  ])(
    "classes a bounce with hard_bounce %s and comment %j from the SMTP status",
    (hardBounce, comment, expected) => {
      expect(mapOne({ event: "bounce", hard_bounce: hardBounce, comment }).bounce).toBe(expected);
    },
  );

  it("keeps a temporary bounce soft and a permanent one hard when the status implies nothing", () => {
    const blocked = "550 5.7.1 Service unavailable; Client host blocked using Spamhaus";
    expect(mapOne({ event: "bounce", hard_bounce: false, comment: blocked }).bounce).toBe("soft");
    expect(mapOne({ event: "bounce", hard_bounce: true, comment: "550 No Such User" }).bounce).toBe(
      "hard",
    );
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
