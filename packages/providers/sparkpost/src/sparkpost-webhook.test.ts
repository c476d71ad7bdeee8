import { WebhookPayloadError } from "@mailroute/core";
import {
  runBasicAuthWebhookChecks,
  runWebhookFixtures,
  webhookRequest,
} from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { createSparkPostWebhook } from "./sparkpost-webhook";

const credentials = { username: "sparkpost-hook", password: "correct horse battery staple" };
const webhook = createSparkPostWebhook(credentials);

function body(text: string) {
  return webhookRequest("sparkpost", text);
}

runWebhookFixtures({ provider: "sparkpost", webhook });

runBasicAuthWebhookChecks({
  provider: "sparkpost",
  vendor: "SparkPost",
  create: createSparkPostWebhook,
  credentials,
});

describe("createSparkPostWebhook parse", () => {
  it("returns the batch as it came", () => {
    const text = '[{"msys": {"track_event": {"type": "open"}}, "cust": {"id": "1"}}]';
    expect(webhook.parse(body(text))).toEqual({ kind: "events", payload: JSON.parse(text) });
  });

  it("ignores a ping batch", () => {
    expect(webhook.parse(body('[{"msys": {}}, {"msys": {}}]'))).toEqual({
      kind: "ignore",
      reason: "SparkPost ping",
    });
  });

  it.each([
    // SparkPost's ping is [{"msys": {}}]; an empty batch holds nothing SparkPost sends.
    ["an empty batch", "[]", /SparkPost webhook body is an empty batch/],
    ["an object of another shape", '{"x":1}', /not a JSON array of events/],
    ["a batch of another shape", '[{"x":1}]', /item 0 is not a SparkPost event/],
    ["an event without its type", '[{"msys": {"message_event": {"rcpt_to": "a@b.com"}}}]', /type/],
    ["an event with an empty type", '[{"msys": {"message_event": {"type": ""}}}]', /item 0/],
    ["a JSON string", '"delivery"', /not a JSON array of events/],
  ])("refuses %s: none of SparkPost's event shape", (_name, text, message) => {
    expect(() => webhook.parse(body(text))).toThrow(WebhookPayloadError);
    expect(() => webhook.parse(body(text))).toThrow(message);
  });

  it("keeps an event of a type it does not know as unknown, with the raw item", () => {
    const item = { msys: { brand_new_event: { type: "brand_new", rcpt_to: "a@b.com" } } };
    const parsed = webhook.parse(body(JSON.stringify([item])));
    const events = parsed.kind === "events" ? webhook.toEvents(parsed.payload) : [];
    expect(events).toMatchObject([{ type: "unknown", recipient: "a@b.com", raw: item }]);
  });

  it.each([
    ["text that is not JSON", "msys"],
    ["a bare object", '{"msys": {"message_event": {"type": "delivery"}}}'],
    ["an item without msys", '[{"message_event": {"type": "delivery"}}]'],
    ["an event class that is not an object", '[{"msys": {"message_event": "delivery"}}]'],
    [
      "an item with two event classes",
      '[{"msys": {"message_event": {"type": "delivery"}, "track_event": {"type": "open"}}}]',
    ],
    [
      "a field of the wrong type",
      '[{"msys": {"message_event": {"type": "bounce", "rcpt_meta": 1}}}]',
    ],
  ])("rejects %s", (_name, text) => {
    expect(() => webhook.parse(body(text))).toThrow(WebhookPayloadError);
  });

  it("rejects a body that is not UTF-8", () => {
    const request = { ...body(""), rawBody: new Uint8Array([0x5b, 0xff, 0x5d]) };
    expect(() => webhook.parse(request)).toThrow(WebhookPayloadError);
  });
});
