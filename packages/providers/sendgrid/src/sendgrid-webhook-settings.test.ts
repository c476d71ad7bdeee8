import { describe, expect, it } from "vitest";
import { sendGridWebhookSettingsSchema } from "./sendgrid-webhook-settings";

const publicKey =
  "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";

describe("sendGridWebhookSettingsSchema", () => {
  it("applies a five-minute tolerance", () => {
    expect(sendGridWebhookSettingsSchema.parse({ publicKey })).toEqual({
      publicKey,
      toleranceSeconds: 300,
    });
  });

  it("reduces a PEM key to the dashboard's base64", () => {
    const pem = `-----BEGIN PUBLIC KEY-----\r\n${publicKey.slice(0, 64)}\r\n${publicKey.slice(64)}\r\n-----END PUBLIC KEY-----`;
    expect(sendGridWebhookSettingsSchema.parse({ publicKey: pem }).publicKey).toBe(publicKey);
  });

  it("refuses a key that is not P-256", () => {
    const rsaLike = Buffer.alloc(91, 1).toString("base64");
    expect(sendGridWebhookSettingsSchema.safeParse({ publicKey: rsaLike }).success).toBe(false);
  });
});
