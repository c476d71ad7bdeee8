import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { signWebhook } from "./sign-webhook";

// Secrets as generateWebhookSecret makes them; fixed so a failure is reproducible.
const currentSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAAAAAAAAAAA=";
const oldSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const unrelatedSecret = "whsec_dW5yZWxhdGVkLXNlY3JldC1ieXRlcy0xMjM0NTY=";
const signedAt = new Date("2026-03-01T12:00:00Z");
const timestamp = Math.floor(signedAt.getTime() / 1000);
const body = '{"type":"email.delivered","timestamp":"2026-03-01T11:59:58Z","data":{"id":"msg_1"}}';

describe("signWebhook", () => {
  // standardwebhooks checks the timestamp against the clock (±5 min): pin the clock, not the test.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(signedAt);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("returns the three Standard Webhooks headers", () => {
    const headers = signWebhook({ id: "msg_1", timestamp, body, secrets: [currentSecret] });
    expect(headers["webhook-id"]).toBe("msg_1");
    expect(headers["webhook-timestamp"]).toBe(String(timestamp));
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
  });

  it("produces a signature that standardwebhooks verifies", () => {
    const headers = signWebhook({ id: "msg_1", timestamp, body, secrets: [currentSecret] });
    expect(new Webhook(currentSecret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it("signs with every secret during a rotation, so the old and the new secret both verify", () => {
    const headers = signWebhook({
      id: "msg_1",
      timestamp,
      body,
      secrets: [currentSecret, oldSecret],
    });
    const entries = headers["webhook-signature"].split(" ");
    expect(entries).toHaveLength(2);
    expect(entries.every((entry) => entry.startsWith("v1,"))).toBe(true);
    for (const secret of [currentSecret, oldSecret]) {
      expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    }
    expect(() => new Webhook(unrelatedSecret).verify(body, { ...headers })).toThrow(
      WebhookVerificationError,
    );
  });

  it("produces a signature that fails verification when the body is tampered with", () => {
    const headers = signWebhook({ id: "msg_1", timestamp, body, secrets: [currentSecret] });
    const tampered = body.replace("email.delivered", "email.bounced");
    expect(() => new Webhook(currentSecret).verify(tampered, { ...headers })).toThrow(
      WebhookVerificationError,
    );
  });

  it("produces a signature bound to the id and timestamp", () => {
    const headers = signWebhook({ id: "msg_1", timestamp, body, secrets: [currentSecret] });
    const webhook = new Webhook(currentSecret);
    expect(() => webhook.verify(body, { ...headers, "webhook-id": "msg_2" })).toThrow(
      WebhookVerificationError,
    );
    expect(() =>
      webhook.verify(body, { ...headers, "webhook-timestamp": String(timestamp + 1) }),
    ).toThrow(WebhookVerificationError);
  });

  it("signs non-ASCII bodies over their UTF-8 bytes", () => {
    const unicodeBody = '{"subject":"Grüße — ✉️"}';
    const headers = signWebhook({
      id: "msg_1",
      timestamp,
      body: unicodeBody,
      secrets: [currentSecret],
    });
    expect(
      new Webhook(currentSecret).verify(Buffer.from(unicodeBody, "utf8"), { ...headers }),
    ).toEqual(JSON.parse(unicodeBody));
  });

  it("gives a redelivery of the same id at a new time the same id and a fresh signature", () => {
    const first = signWebhook({ id: "msg_1", timestamp, body, secrets: [currentSecret] });
    const again = signWebhook({
      id: "msg_1",
      timestamp: timestamp + 5,
      body,
      secrets: [currentSecret],
    });
    expect(again["webhook-id"]).toBe(first["webhook-id"]);
    expect(again["webhook-signature"]).not.toBe(first["webhook-signature"]);
    expect(new Webhook(currentSecret).verify(body, { ...again })).toEqual(JSON.parse(body));
  });

  it("refuses an id containing a dot, a fractional timestamp and an empty secret list", () => {
    expect(() => signWebhook({ id: "msg.1", timestamp, body, secrets: [currentSecret] })).toThrow(
      RangeError,
    );
    expect(() =>
      signWebhook({ id: "msg_1", timestamp: timestamp + 0.5, body, secrets: [currentSecret] }),
    ).toThrow(RangeError);
    expect(() => signWebhook({ id: "msg_1", timestamp, body, secrets: [] })).toThrow(RangeError);
  });
});
