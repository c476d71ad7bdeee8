import { ConfigError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { createMailgunProvider } from "./mailgun-provider";
import { defaultMailgunBaseUrl, mailgunSettingsSchema } from "./mailgun-settings";

const valid = { name: "mailgun-eu", apiKey: "key-1", domain: "mg.example.com" };

describe("mailgunSettingsSchema", () => {
  it("fills in the US base URL and a 15 s ceiling", () => {
    expect(mailgunSettingsSchema.parse(valid)).toEqual({
      ...valid,
      baseUrl: defaultMailgunBaseUrl,
      timeoutMs: 15_000,
    });
  });

  it("keeps an http base URL with a port and a path prefix, and webhook settings", () => {
    const parsed = mailgunSettingsSchema.parse({
      ...valid,
      type: "mailgun",
      baseUrl: "http://127.0.0.1:4011/compat/mailgun",
      timeoutMs: 500,
      webhook: { signingKey: "signing" },
    });
    expect(parsed.baseUrl).toBe("http://127.0.0.1:4011/compat/mailgun");
    expect(parsed.webhook).toMatchObject({ signingKey: "signing" });
  });

  it.each([
    ["a missing key", { ...valid, apiKey: "" }],
    ["a domain with a path", { ...valid, domain: "mg.example.com/../x" }],
    ["a non-http base URL", { ...valid, baseUrl: "ftp://api.mailgun.net" }],
    ["a zero timeout", { ...valid, timeoutMs: 0 }],
    ["another provider type", { ...valid, type: "postmark" }],
  ])("rejects %s", (_case, settings) => {
    expect(mailgunSettingsSchema.safeParse(settings).success).toBe(false);
  });
});

describe("createMailgunProvider settings", () => {
  it("throws a ConfigError that names the provider and the bad field", () => {
    let thrown: unknown;
    try {
      createMailgunProvider({ ...valid, apiKey: "" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.message).toContain('mailgun provider "mailgun-eu"');
    expect(error.details.map((detail) => detail.path)).toEqual(["apiKey"]);
  });

  it("builds a provider of type mailgun under its configured name", () => {
    const provider = createMailgunProvider(valid);
    expect(provider.name).toBe("mailgun-eu");
    expect(provider.type).toBe("mailgun");
  });
});
