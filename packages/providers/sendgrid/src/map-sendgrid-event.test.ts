import { describe, expect, it } from "vitest";
import { mapSendGridEvent, mapSendGridEvents } from "./map-sendgrid-event";
import type { SendGridEvent } from "./sendgrid-event-schema";

function event(fields: Partial<SendGridEvent> & { event: string }): SendGridEvent {
  return {
    email: "Someone@Example.com",
    timestamp: 1700000000,
    sg_event_id: "evt-1",
    sg_message_id: "abc123.filter0001.1.2.0",
    ...fields,
  };
}

describe("mapSendGridEvent", () => {
  it.each([
    ["group_resubscribe", "unknown"],
    ["account_status_change", "unknown"],
    ["some_future_event", "unknown"],
    ["constructor", "unknown"],
    ["toString", "unknown"],
  ])("maps %s to %s", (name, type) => {
    expect(mapSendGridEvent(event({ event: name })).type).toBe(type);
  });

  it.each([
    ["blocked", "block"],
    ["bounce", "hard"],
    ["expired", "soft"],
    ["Blocked", "block"],
    ["something-new", "undetermined"],
  ])("classes a bounce of type %s as %s", (type, bounce) => {
    expect(mapSendGridEvent(event({ event: "bounce", type })).bounce).toBe(bounce);
  });

  it.each([
    // SendGrid's reason text and `status`: a generic or unlisted type takes the class they imply.
    [
      "bounce",
      "550 5.7.1 Service unavailable; Client host blocked using Spamhaus",
      "5.7.1",
      "block",
    ],
    [undefined, "550 5.7.1 Unfortunately, messages from [x] weren't sent (S3150).", null, "block"],
    [
      "something-new",
      "550-5.1.1 The email account that you tried to reach does not exist.",
      null,
      "hard",
    ],
    [
      "something-new",
      "452 4.2.2 The email account that you tried to reach is over quota",
      null,
      "soft",
    ],
    ["something-new", "550 5.1.10 RESOLVER.ADR.RecipientNotFound", "5.1.10", "hard"],
  ])(
    "classes a bounce of type %s with reason %j from the SMTP status",
    (type, reason, status, bounce) => {
      const mapped = mapSendGridEvent(event({ event: "bounce", type, reason, status }));
      expect(mapped.bounce).toBe(bounce);
    },
  );

  it.each([
    ["blocked", "550 5.1.1 The email account that you tried to reach does not exist.", "block"],
    ["expired", "550 5.1.1 The email account that you tried to reach does not exist.", "soft"],
    // SendGrid's sample bounce: a 5.0.0 implies nothing, so the bounce stays hard.
    [undefined, "500 unknown recipient", "hard"],
  ])("keeps a bounce of type %s with reason %j as %s", (type, reason, bounce) => {
    const status = reason.startsWith("500") ? "5.0.0" : undefined;
    expect(mapSendGridEvent(event({ event: "bounce", type, reason, status })).bounce).toBe(bounce);
  });

  it("leaves bounce empty on events that are not bounces", () => {
    expect(mapSendGridEvent(event({ event: "dropped", type: "blocked" })).bounce).toBeNull();
  });

  it("takes mailroute_id out of the custom args and keeps the rest as strings", () => {
    const mapped = mapSendGridEvent(
      event({
        event: "delivered",
        mailroute_id: "msg_123",
        order: "42",
        count: 3,
        flags: { a: true },
        empty: null,
      }),
    );
    expect(mapped.mailrouteId).toBe("msg_123");
    expect(mapped.metadata).toEqual({ order: "42", count: "3", flags: '{"a":true}' });
  });

  it("keeps a custom arg named __proto__ as an ordinary key", () => {
    const parsed = JSON.parse('{"event":"open","timestamp":1,"__proto__":"x"}') as SendGridEvent;
    expect(Object.entries(mapSendGridEvent(parsed).metadata)).toEqual([["__proto__", "x"]]);
  });

  it("does not take SendGrid's newer fields for custom args", () => {
    const mapped = mapSendGridEvent(
      event({
        event: "open",
        sg_machine_open: true,
        sg_content_type: "html",
        sg_template_id: "d-1",
        sg_template_name: "welcome",
        bounce_classification: "Invalid Address",
      }),
    );
    expect(mapped.metadata).toEqual({});
  });

  it("lowercases the recipient and strips a display name", () => {
    expect(mapSendGridEvent(event({ event: "open" })).recipient).toBe("someone@example.com");
    expect(mapSendGridEvent(event({ event: "open", email: "A <X@Y.org>" })).recipient).toBe(
      "x@y.org",
    );
    expect(mapSendGridEvent(event({ event: "open", email: undefined })).recipient).toBeNull();
  });

  it("takes the X-Message-Id part of sg_message_id, or null without one", () => {
    expect(mapSendGridEvent(event({ event: "open" })).providerMessageId).toBe("abc123");
    // A delayed bounce comes without sg_message_id (Event Webhook reference, delivery events).
    const delayed = mapSendGridEvent(event({ event: "bounce", sg_message_id: undefined }));
    expect(delayed.providerMessageId).toBeNull();
  });

  it("reads tags from a single category or a list", () => {
    expect(mapSendGridEvent(event({ event: "open", category: "news" })).tags).toEqual(["news"]);
    expect(mapSendGridEvent(event({ event: "open", category: ["a", 1, "b"] })).tags).toEqual([
      "a",
      "b",
    ]);
    expect(mapSendGridEvent(event({ event: "open" })).tags).toEqual([]);
  });

  it("reads the SMTP code and status from the MTA reply", () => {
    const mapped = mapSendGridEvent(
      event({ event: "deferred", response: "421 4.7.0 Try again later" }),
    );
    expect(mapped).toMatchObject({
      reason: "421 4.7.0 Try again later",
      smtpCode: 421,
      enhancedStatus: "4.7.0",
    });
  });

  it("keeps milliseconds and uses sg_event_id as the dedupe key", () => {
    const mapped = mapSendGridEvent(event({ event: "open", timestamp: 1700000000.1234 }));
    expect(mapped.occurredAt).toBe("2023-11-14T22:13:20.123Z");
    expect(mapped.dedupeKey).toBe("evt-1");
    expect(mapped.providerEventId).toBe("evt-1");
  });

  it("has no dedupe key without sg_event_id, so the server hashes the item", () => {
    expect(mapSendGridEvent(event({ event: "open", sg_event_id: undefined })).dedupeKey).toBeNull();
  });

  it("maps a batch in order and keeps each raw item", () => {
    const items = [event({ event: "processed" }), event({ event: "delivered" })];
    const mapped = mapSendGridEvents(items);
    expect(mapped.map((item) => item.type)).toEqual(["queued", "delivered"]);
    expect(mapped[1]?.raw).toBe(items[1]);
  });
});
