import { describe, expect, it } from "vitest";
import { mailgunWebhookSettingsSchema } from "./mailgun-webhook-settings";

describe("mailgunWebhookSettingsSchema", () => {
  it("applies a five-minute tolerance", () => {
    expect(mailgunWebhookSettingsSchema.parse({ signingKey: "key" })).toEqual({
      signingKey: "key",
      toleranceSeconds: 300,
    });
  });

  it.each([
    ["a fractional tolerance", { signingKey: "key", toleranceSeconds: 1.5 }],
    [
      "the in-memory replay cache's size (the database keeps used tokens)",
      { signingKey: "key", replayCacheSize: 10_000 },
    ],
    ["an unknown option", { signingKey: "key", apiKey: "key-1" }],
  ])("refuses %s", (_case, settings) => {
    expect(mailgunWebhookSettingsSchema.safeParse(settings).success).toBe(false);
  });
});
