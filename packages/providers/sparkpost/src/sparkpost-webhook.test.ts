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

  it("ignores a ping batch and an empty batch", () => {
    expect(webhook.parse(body('[{"msys": {}}, {"msys": {}}]'))).toEqual({
      kind: "ignore",
      reason: "SparkPost ping",
    });
    expect(webhook.parse(body("[]")).kind).toBe("ignore");
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
