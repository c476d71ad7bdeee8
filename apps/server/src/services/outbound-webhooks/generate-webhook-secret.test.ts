import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret } from "./generate-webhook-secret";

describe("generateWebhookSecret", () => {
  it("returns whsec_ followed by the base64 of 32 random bytes", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(secret.slice("whsec_".length), "base64")).toHaveLength(32);
  });

  it("returns a different secret each time", () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateWebhookSecret()));
    expect(secrets.size).toBe(50);
  });

  it("is accepted by the standardwebhooks library as a signing key", () => {
    const secret = generateWebhookSecret();
    const webhook = new Webhook(secret);
    const signedAt = new Date();
    const headers = {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(Math.floor(signedAt.getTime() / 1000)),
      "webhook-signature": webhook.sign("msg_1", signedAt, "{}"),
    };
    expect(webhook.verify("{}", headers)).toEqual({});
  });
});
