import { describe, expect, it } from "vitest";
import { sendGridSettingsSchema } from "./sendgrid-settings";

describe("sendGridSettingsSchema", () => {
  it("applies the default ceiling and keeps the optional parts", () => {
    expect(
      sendGridSettingsSchema.parse({
        type: "sendgrid",
        name: "sendgrid-eu",
        apiKey: "SG.key",
        baseUrl: "https://api.eu.sendgrid.com",
        webhook: { publicKey: "MFkw…" },
      }),
    ).toEqual({
      type: "sendgrid",
      name: "sendgrid-eu",
      apiKey: "SG.key",
      baseUrl: "https://api.eu.sendgrid.com",
      timeoutMs: 15_000,
      webhook: { publicKey: "MFkw…" },
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
