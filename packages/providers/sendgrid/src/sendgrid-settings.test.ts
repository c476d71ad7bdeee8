import { describe, expect, it } from "vitest";
import { sendGridSettingsSchema } from "./sendgrid-settings";

describe("sendGridSettingsSchema", () => {
  // SendGrid's published test key (sendgrid-nodejs eventwebhook tests).
  const publicKey =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";

  it("applies the default ceiling and keeps the optional parts", () => {
    expect(
      sendGridSettingsSchema.parse({
        type: "sendgrid",
        name: "sendgrid-eu",
        apiKey: "SG.key",
        baseUrl: "https://api.eu.sendgrid.com",
        webhook: { publicKey },
      }),
    ).toEqual({
      type: "sendgrid",
      name: "sendgrid-eu",
      apiKey: "SG.key",
      baseUrl: "https://api.eu.sendgrid.com",
      timeoutMs: 15_000,
      webhook: { publicKey, toleranceSeconds: 300 },
    });
  });

  it.each([
    ["a missing key", { name: "sg" }],
    ["an empty name", { name: "", apiKey: "SG.key" }],
    ["a base URL that is not http(s)", { name: "sg", apiKey: "SG.key", baseUrl: "ftp://host" }],
    ["a zero timeout", { name: "sg", apiKey: "SG.key", timeoutMs: 0 }],
    ["another provider's type", { type: "mailgun", name: "sg", apiKey: "SG.key" }],
    ["a misspelt option", { name: "sg", apiKey: "SG.key", baseURL: "http://127.0.0.1" }],
  ])("refuses %s", (_, settings) => {
    expect(sendGridSettingsSchema.safeParse(settings).success).toBe(false);
  });
});
