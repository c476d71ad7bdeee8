import { WebhookPayloadError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { mapSparkPostEvents } from "./map-sparkpost-event";

const base = {
  event_id: "92356927693813856",
  transmission_id: "65832150921904138",
  message_id: "000443ee14578172be22",
  rcpt_to: "someone@example.com",
  timestamp: "1454442600",
};

function mapOne(eventClass: string, fields: Record<string, unknown>) {
  const [event] = mapSparkPostEvents([{ msys: { [eventClass]: { ...base, ...fields } } }]);
  return event!;
}

describe("mapSparkPostEvents", () => {
  it("maps a type it does not know to unknown", () => {
    expect(mapOne("message_event", { type: "sms_status" })).toMatchObject({
      type: "unknown",
      bounce: null,
    });
    expect(mapOne("message_event", { type: "constructor" }).type).toBe("unknown");
  });

  it("maps inbound relay events to unknown", () => {
    expect(mapOne("relay_event", { type: "relay_delivery" }).type).toBe("unknown");
  });

  it.each([
    ["message_event", "out_of_band", "bounced"],
    ["message_event", "policy_rejection", "rejected"],
    ["message_event", "spam_complaint", "complained"],
    ["track_event", "click", "clicked"],
    ["track_event", "amp_initial_open", "unknown"],
    ["unsubscribe_event", "link_unsubscribe", "unsubscribed"],
  ])("maps %s %s to %s", (eventClass, type, expected) => {
    expect(mapOne(eventClass, { type }).type).toBe(expected);
  });

  it.each([
    ["1", "undetermined"],
    ["10", "hard"],
    ["22", "soft"],
    ["25", "block"],
    ["30", "hard"],
    ["51", "block"],
    ["70", "soft"],
    ["999", "undetermined"],
  ])("classes bounce_class %s as %s", (bounceClass, bounce) => {
    expect(mapOne("message_event", { type: "bounce", bounce_class: bounceClass })).toMatchObject({
      type: "bounced",
      bounce,
    });
  });

  it.each([
    // Undetermined (1), Generic Bounce (40) or no bounce_class: the SMTP status in raw_reason decides.
    ["1", "550 5.1.1 <bounce@example.com>: Recipient address rejected: User unknown", "hard"],
    ["1", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found", "hard"],
    ["40", "554 5.7.1 Service unavailable; Client host blocked using Spamhaus", "block"],
    [
      undefined,
      "550 5.7.1 Unfortunately, messages from [x] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
      "block",
    ],
    ["999", "550-5.1.1 The email account that you tried to reach does not exist.", "hard"],
  ])(
    "classes bounce_class %s with raw_reason %j from the SMTP status",
    (bounceClass, rawReason, bounce) => {
      const event = { type: "bounce", bounce_class: bounceClass, raw_reason: rawReason };
      expect(mapOne("message_event", event).bounce).toBe(bounce);
    },
  );

  it.each([
    // SparkPost's specific classes stand; Generic Bounce stays soft when the status says nothing.
    ["10", "554 5.7.1 Service unavailable; Client host blocked using Spamhaus", "hard"],
    ["22", "550 5.1.1 User unknown", "soft"],
    ["40", "550 Requested action not taken", "soft"],
  ])("keeps bounce_class %s with raw_reason %j as %s", (bounceClass, rawReason, bounce) => {
    const event = { type: "bounce", bounce_class: bounceClass, raw_reason: rawReason };
    expect(mapOne("message_event", event).bounce).toBe(bounce);
  });

  it("classes an out-of-band bounce by its bounce_class too", () => {
    expect(mapOne("message_event", { type: "out_of_band", bounce_class: 50 }).bounce).toBe("block");
  });

  it.each([
    ["60", "autoresponded"],
    ["80", "unknown"],
    ["90", "unsubscribed"],
    ["100", "autoresponded"],
  ])("turns a bounce of class %s into %s, without a bounce class", (bounceClass, type) => {
    expect(mapOne("message_event", { type: "bounce", bounce_class: bounceClass })).toMatchObject({
      type,
      bounce: null,
    });
  });

  it("leaves the bounce class off a delay", () => {
    expect(mapOne("message_event", { type: "delay", bounce_class: "21" })).toMatchObject({
      type: "deferred",
      bounce: null,
    });
  });

  it("reads mailroute_id from rcpt_meta and leaves it out of metadata", () => {
    const event = mapOne("message_event", {
      type: "delivery",
      rcpt_meta: { mailroute_id: "msg_123", plan: "pro", seats: 3 },
    });
    expect(event).toMatchObject({
      mailrouteId: "msg_123",
      metadata: { plan: "pro", seats: "3" },
    });
  });

  it("takes the campaign as the tag, never rcpt_tags", () => {
    expect(
      mapOne("message_event", { type: "delivery", campaign_id: "welcome", rcpt_tags: ["US"] }).tags,
    ).toEqual(["welcome"]);
    expect(mapOne("message_event", { type: "delivery", campaign_id: "" }).tags).toEqual([]);
  });

  it("uses transmission_id as the message id and event_id as the dedupe key", () => {
    expect(mapOne("message_event", { type: "delivery" })).toMatchObject({
      providerMessageId: "65832150921904138",
      providerEventId: "92356927693813856",
      dedupeKey: "92356927693813856",
    });
    expect(
      mapOne("track_event", { type: "open", event_id: undefined, transmission_id: undefined }),
    ).toMatchObject({ providerMessageId: null, providerEventId: null, dedupeKey: null });
  });

  it("reads the recipient from raw_rcpt_to when rcpt_to is absent, lowercased", () => {
    expect(
      mapOne("track_event", { type: "open", rcpt_to: undefined, raw_rcpt_to: "Bob@Example.com" })
        .recipient,
    ).toBe("bob@example.com");
  });

  it("reads epoch and ISO timestamps, and leaves a missing or odd one null", () => {
    expect(mapOne("message_event", { type: "delivery" }).occurredAt).toBe(
      "2016-02-02T19:50:00.000Z",
    );
    expect(mapOne("message_event", { type: "delivery", timestamp: 1454442600.25 }).occurredAt).toBe(
      "2016-02-02T19:50:00.250Z",
    );
    expect(
      mapOne("message_event", { type: "delivery", timestamp: "2018-10-11T23:24:45.123+02:00" })
        .occurredAt,
    ).toBe("2018-10-11T21:24:45.123Z");
    for (const timestamp of [undefined, "soon", "99999999999999999999"]) {
      expect(mapOne("message_event", { type: "delivery", timestamp }).occurredAt).toBe(null);
    }
  });

  it("reads the SMTP code from raw_reason when error_code is absent", () => {
    expect(
      mapOne("message_event", {
        type: "bounce",
        bounce_class: "10",
        raw_reason: "550 5.1.1 <someone@example.com>: User unknown",
        reason: "550 5.1.1 ...@... User unknown",
      }),
    ).toMatchObject({
      reason: "550 5.1.1 <someone@example.com>: User unknown",
      smtpCode: 550,
      enhancedStatus: "5.1.1",
    });
    expect(
      mapOne("message_event", { type: "bounce", error_code: "", raw_reason: "mailbox gone" }),
    ).toMatchObject({ reason: "mailbox gone", smtpCode: null, enhancedStatus: null });
  });

  it("keeps the whole untouched batch item as raw", () => {
    const item = { msys: { track_event: { type: "click", target_link_url: "https://x.test/" } } };
    const [event] = mapSparkPostEvents([item, { msys: {} }]);
    expect(event).toMatchObject({ raw: item, url: "https://x.test/" });
  });

  it("skips pings inside a batch", () => {
    expect(
      mapSparkPostEvents([{ msys: {} }, { msys: { message_event: { type: "delivery" } } }]),
    ).toHaveLength(1);
  });

  it("returns the same events for the same payload", () => {
    const payload = [{ msys: { message_event: { ...base, type: "delivery" } } }];
    expect(mapSparkPostEvents(payload)).toEqual(mapSparkPostEvents(payload));
  });

  it("rejects a payload that is not a batch", () => {
    expect(() => mapSparkPostEvents({ msys: {} })).toThrow(WebhookPayloadError);
    expect(() => mapSparkPostEvents([{ msys: { message_event: 1 } }])).toThrow(WebhookPayloadError);
  });
});
