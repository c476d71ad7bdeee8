import { WebhookPayloadError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { mapBrevoEvent } from "./map-brevo-event";

function event(fields: Record<string, unknown>) {
  return {
    event: "delivered",
    email: "Someone@Example.com",
    "message-id": "<202601151000.1@smtp-relay.mailin.fr>",
    ts_epoch: 1768471200123,
    ...fields,
  };
}

describe("mapBrevoEvent", () => {
  it.each([
    ["list_addition", "unknown"],
    ["something_new", "unknown"],
    ["toString", "unknown"],
    ["unsubscribed", "unsubscribed"],
    ["error", "failed"],
    ["complaint", "complained"],
  ])("maps %s to %s", (name, expected) => {
    expect(mapBrevoEvent([event({ event: name })])[0]?.type).toBe(expected);
  });

  it("fills the common fields", () => {
    const item = event({});
    expect(mapBrevoEvent([item])).toEqual([
      {
        type: "delivered",
        bounce: null,
        recipient: "someone@example.com",
        occurredAt: "2026-01-15T10:00:00.123Z",
        providerMessageId: "202601151000.1@smtp-relay.mailin.fr",
        providerEventId: null,
        mailrouteId: null,
        reason: null,
        smtpCode: null,
        enhancedStatus: null,
        url: null,
        userAgent: null,
        tags: [],
        metadata: {},
        dedupeKey: null,
        raw: item,
      },
    ]);
  });

  it("takes mailroute_id out of X-Mailin-custom and keeps the rest as strings", () => {
    const [mapped] = mapBrevoEvent([
      event({ "X-Mailin-custom": '{"mailroute_id":"msg_42","plan":"pro","seats":3}' }),
    ]);
    expect(mapped).toMatchObject({ mailrouteId: "msg_42", metadata: { plan: "pro", seats: "3" } });
  });

  it("leaves metadata empty when X-Mailin-custom is not a JSON object", () => {
    expect(mapBrevoEvent([event({ "X-Mailin-custom": "[1,2]" })])[0]?.metadata).toEqual({});
  });

  it.each([
    [{ tag: '["a","b"]' }, ["a", "b"]],
    [{ tag: "plain" }, ["plain"]],
    [{ tag: "[not json" }, ["[not json"]],
    [{ tag: ["x"] }, ["x"]],
    [{ tags: ["t"], tag: "ignored" }, ["t"]],
  ])("reads tags from %j", (fields, expected) => {
    expect(mapBrevoEvent([event(fields)])[0]?.tags).toEqual(expected);
  });

  it.each([
    [{ ts_epoch: 1768471200 }, "2026-01-15T10:00:00.000Z"],
    [{ ts_epoch: undefined, ts_event: 1768471200 }, "2026-01-15T10:00:00.000Z"],
    [{ ts_epoch: undefined, s_epoch: 1768471200500 }, "2026-01-15T10:00:00.500Z"],
    [{ ts_epoch: undefined, ts: 1768471200 }, "2026-01-15T10:00:00.000Z"],
  ])("reads the time from %j", (fields, expected) => {
    expect(mapBrevoEvent([event(fields)])[0]?.occurredAt).toBe(expected);
  });

  it.each([
    [" RecipientError: 554 5.7.1 Service unavailable; Client host blocked using Spamhaus", "block"],
    [
      "550 5.7.1 Unfortunately, messages from [x] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
      "block",
    ],
  ])("classes a hard_bounce with reason %j from the SMTP status as %s", (reason, expected) => {
    expect(mapBrevoEvent([event({ event: "hard_bounce", reason })])[0]?.bounce).toBe(expected);
  });

  it.each([
    ["550-5.1.1 The email account that you tried to reach does not exist."],
    // 5.5.0 implies nothing: Brevo's hard verdict stands.
    [" RecipientError: 550 5.5.0 Requested action not taken: mailbox unavailable."],
  ])("keeps a hard_bounce with reason %j hard", (reason) => {
    expect(mapBrevoEvent([event({ event: "hard_bounce", reason })])[0]?.bounce).toBe("hard");
  });

  it("keeps Brevo's soft_bounce and invalid_email over the SMTP status", () => {
    const reason = "550 5.7.1 Service unavailable; Client host blocked using Spamhaus";
    expect(mapBrevoEvent([event({ event: "soft_bounce", reason })])[0]?.bounce).toBe("soft");
    expect(mapBrevoEvent([event({ event: "invalid_email", reason })])[0]?.bounce).toBe("hard");
  });

  it("reads a bare SMTP code from the reason", () => {
    const [mapped] = mapBrevoEvent([event({ event: "soft_bounce", reason: "421 try later" })]);
    expect(mapped).toMatchObject({ bounce: "soft", smtpCode: 421, enhancedStatus: null });
  });

  it("refuses a payload that is not a list of events", () => {
    expect(() => mapBrevoEvent(event({}))).toThrow(WebhookPayloadError);
    expect(() => mapBrevoEvent([{ email: "a@example.com" }])).toThrow(WebhookPayloadError);
  });
});
