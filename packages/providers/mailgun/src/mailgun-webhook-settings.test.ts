import { describe, expect, it } from "vitest";
import { mailgunWebhookSettingsSchema } from "./mailgun-webhook-settings";

describe("mailgunWebhookSettingsSchema", () => {
  it("applies a five-minute tolerance and a 10,000-token replay cache", () => {
    expect(mailgunWebhookSettingsSchema.parse({ signingKey: "key" })).toEqual({
      signingKey: "key",
      toleranceSeconds: 300,
      replayCacheSize: 10_000,
    });
  });

  it.each([
    ["a fractional tolerance", { signingKey: "key", toleranceSeconds: 1.5 }],
    ["an empty replay cache", { signingKey: "key", replayCacheSize: 0 }],
    ["an unknown option", { signingKey: "key", apiKey: "key-1" }],
  ])("refuses %s", (_case, settings) => {
    expect(mailgunWebhookSettingsSchema.safeParse(settings).success).toBe(false);
  });
});
