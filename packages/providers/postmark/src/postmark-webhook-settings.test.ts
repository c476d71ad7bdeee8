import { describe, expect, it } from "vitest";
import { postmarkWebhookSettingsSchema } from "./postmark-webhook-settings";

describe("postmarkWebhookSettingsSchema", () => {
  it("accepts credentials with an optional IPv4 and IPv6 allow-list", () => {
    const value = { username: "u", password: "p", allowedIps: ["3.134.147.250", "2001:db8::1"] };
    expect(postmarkWebhookSettingsSchema.parse(value)).toEqual(value);
  });

  it.each([
    ["a missing password", { username: "u" }],
    ["an empty allow-list", { username: "u", password: "p", allowedIps: [] }],
    ["an unknown key", { username: "u", password: "p", token: "t" }],
  ])("refuses %s", (_case, value) => {
    expect(postmarkWebhookSettingsSchema.safeParse(value).success).toBe(false);
  });
});
