import {
  WebhookPayloadError,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { createCaptureWebhook } from "./capture-webhook";

const secret = "capture-secret-0123456789";
const webhook = createCaptureWebhook({ secret });

function request(body: unknown, authorization = `Bearer ${secret}`): WebhookRequest {
  return {
    method: "POST",
    url: "http://localhost/webhooks/capture",
    headers: { authorization, "content-type": "application/json" },
    rawBody: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)),
  };
}

const context = { now: new Date() };

describe("capture webhook", () => {
  it("accepts the shared secret and refuses anything else", async () => {
    await expect(webhook.verify(request({}), context)).resolves.toBeUndefined();
    await expect(
      webhook.verify(request({}, "Bearer wrong-secret-0123456789"), context),
    ).rejects.toThrow(WebhookVerificationError);
    await expect(webhook.verify(request({}, ""), context)).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it("maps events onto our message id", () => {
    const parsed = webhook.parse(
      request({
        events: [
          {
            id: "e1",
            messageId: "msg_1",
            recipient: "User@Example.com",
            type: "bounced",
            bounce: "hard",
            occurredAt: "2026-11-22T10:00:00Z",
            smtpCode: 550,
          },
        ],
      }),
    );
    expect(parsed.kind).toBe("events");
    const events = webhook.toEvents(parsed.kind === "events" ? parsed.payload : null);
    expect(events).toMatchObject([
      {
        mailrouteId: "msg_1",
        recipient: "user@example.com",
        type: "bounced",
        bounce: "hard",
        smtpCode: 550,
        dedupeKey: "e1",
      },
    ]);
  });

  it.each([
    [{ smtpCode: 550, enhancedStatus: "5.1.1" }, "hard"],
    [{ smtpCode: 554, enhancedStatus: "5.7.1" }, "block"],
    [{ smtpCode: 452 }, "soft"],
    [{}, "undetermined"],
  ])("classes a bounce posted without a class by its SMTP status %j", (status, bounce) => {
    const parsed = webhook.parse(
      request({
        events: [
          {
            messageId: "msg_1",
            recipient: "user@example.com",
            type: "bounced",
            occurredAt: "2026-11-22T10:00:00Z",
            ...status,
          },
        ],
      }),
    );
    const events = webhook.toEvents(parsed.kind === "events" ? parsed.payload : null);
    expect(events[0]?.bounce).toBe(bounce);
  });

  it.each([
    ["an object of another shape", { x: 1 }, /events/],
    ["an empty array", [], /expected object/],
    ["an array of events", [{ x: 1 }], /expected object/],
    ["an empty event list", { events: [] }, /events/],
    ["an event of another shape", { events: [{ x: 1 }] }, /events\[0\]\.messageId/],
    [
      "an event without its recipient",
      { events: [{ messageId: "m", type: "sent", occurredAt: "2026-11-22T10:00:00Z" }] },
      /events\[0\]\.recipient/,
    ],
    ["a JSON number", 1, /expected object/],
    ["a JSON string", "sent", /body is not a capture event list/],
  ])("refuses %s, naming the field", (_case, body, message) => {
    const text = typeof body === "string" ? JSON.stringify(body) : body;
    expect(() => webhook.parse(request(text))).toThrow(WebhookPayloadError);
    expect(() => webhook.parse(request(text))).toThrow(message);
  });

  it("keeps an event of type unknown as unknown, with the raw event", () => {
    const event = {
      messageId: "msg_1",
      recipient: "user@example.com",
      type: "unknown",
      occurredAt: "2026-11-22T10:00:00Z",
    };
    const parsed = webhook.parse(request({ events: [event] }));
    const events = webhook.toEvents(parsed.kind === "events" ? parsed.payload : null);
    expect(events).toMatchObject([{ type: "unknown", raw: event }]);
  });

  it("refuses a body that is not a capture event list", () => {
    expect(() => webhook.parse(request("not json"))).toThrow(WebhookPayloadError);
    expect(() =>
      webhook.parse(request({ events: [{ messageId: "m", type: "exploded" }] })),
    ).toThrow(WebhookPayloadError);
  });
});
