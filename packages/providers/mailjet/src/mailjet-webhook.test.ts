import { WebhookPayloadError } from "@mailroute/core";
import {
  fixtureRequest,
  readManifest,
  runBasicAuthWebhookChecks,
  runWebhookFixtures,
  webhookRequest,
} from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { createMailjetWebhook } from "./mailjet-webhook";

const credentials = { username: "mailjet-hook", password: "correct horse battery staple" };
const webhook = createMailjetWebhook(credentials);
const cases = readManifest().filter((fixture) => fixture.provider === "mailjet");

function body(text: string) {
  return webhookRequest("mailjet", text);
}

runWebhookFixtures({
  provider: "mailjet",
  webhook,
});

runBasicAuthWebhookChecks({
  provider: "mailjet",
  vendor: "Mailjet",
  create: createMailjetWebhook,
  credentials,
});

describe("createMailjetWebhook parse", () => {
  it("wraps a bare (ungrouped) event in a batch of one", () => {
    const event = { event: "open", time: 1498093527, email: "a@example.com" };
    const parsed = webhook.parse(body(JSON.stringify(event)));
    expect(parsed).toEqual({ kind: "events", payload: [event] });
  });

  it("keeps MessageIDs beyond 2^53 exact", () => {
    const parsed = webhook.parse(
      body('[{"event": "sent", "email": "a@example.com", "MessageID": 288230376151711744}]'),
    );
    expect(parsed).toEqual({
      kind: "events",
      payload: [{ event: "sent", email: "a@example.com", MessageID: "288230376151711744" }],
    });
  });

  it.each([
    // Mailjet never posts an empty batch: one that holds no event is refused, not ignored.
    ["an empty batch", "[]", /Mailjet webhook body is an empty batch/],
    ["an object of another shape", '{"x":1}', /item 0 is not a Mailjet event/],
    ["a batch of another shape", '[{"x":1}]', /item 0 is not a Mailjet event/],
    ["an item without its recipient", '[{"event": "open", "time": 1498093527}]', /item 0 .*email/s],
    ["an item with an empty event", '[{"event": "", "email": "a@example.com"}]', /item 0/],
    ["a JSON string", '"sent"', /not an event object or a JSON array of events/],
  ])("refuses %s: none of Mailjet's event shape", (_name, text, message) => {
    expect(() => webhook.parse(body(text))).toThrow(WebhookPayloadError);
    expect(() => webhook.parse(body(text))).toThrow(message);
  });

  it("keeps an event of a type it does not know as unknown, with the raw item", () => {
    const event = { event: "brand_new_event", email: "a@example.com", time: 1498093527 };
    const parsed = webhook.parse(body(JSON.stringify([event])));
    const events = parsed.kind === "events" ? webhook.toEvents(parsed.payload) : [];
    expect(events).toMatchObject([{ type: "unknown", recipient: "a@example.com", raw: event }]);
  });

  it.each([
    ["text that is not JSON", "event=sent"],
    ["a JSON number", "42"],
    ["an item without an event name", '[{"time": 1498093527}]'],
    ["an item that is not an object", '["sent"]'],
    ["a field of the wrong type", '[{"event": "bounce", "hard_bounce": "yes"}]'],
  ])("rejects %s", (_name, text) => {
    expect(() => webhook.parse(body(text))).toThrow(WebhookPayloadError);
  });

  it("rejects a body that is not UTF-8", () => {
    const request = { ...body(""), rawBody: new Uint8Array([0x5b, 0xff, 0x5d]) };
    expect(() => webhook.parse(request)).toThrow(WebhookPayloadError);
  });
});

describe("mailjet/anymail-sent-grouped", () => {
  it("normalizes as the manifest says, metadata values as strings", () => {
    const fixture = cases.find((item) => item.id === "mailjet/anymail-sent-grouped")!;
    const parsed = webhook.parse(fixtureRequest(fixture));
    expect(parsed.kind).toBe("events");
    const events = parsed.kind === "events" ? webhook.toEvents(parsed.payload) : [];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "delivered",
      recipient: "recipient@example.com",
      providerMessageId: "12345678901234567",
      occurredAt: "2017-06-22T01:05:27.000Z",
      reason: "sent (250 2.0.0 OK 1498093527 a67bc12345def.22 - gsmtp)",
      smtpCode: 250,
      enhancedStatus: "2.0.0",
      tags: ["tag1"],
      metadata: { meta1: "simple string", meta2: "2" },
    });
  });
});
