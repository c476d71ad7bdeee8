import { describe, expect, it } from "vitest";
import { postmarkSettingsSchema } from "./postmark-settings";

describe("postmarkSettingsSchema", () => {
  it("fills in the defaults", () => {
    expect(postmarkSettingsSchema.parse({ name: "postmark", serverToken: "token" })).toEqual({
      name: "postmark",
      serverToken: "token",
      baseUrl: "https://api.postmarkapp.com",
      messageStream: "outbound",
      timeoutMs: 15_000,
    });
  });

  it("accepts webhook credentials and an http base URL with a port and prefix", () => {
    const parsed = postmarkSettingsSchema.parse({
      name: "postmark-eu",
      serverToken: "token",
      baseUrl: "http://127.0.0.1:4012/compat/postmark",
      webhook: { username: "hook", password: "secret" },
    });
    expect(parsed.baseUrl).toBe("http://127.0.0.1:4012/compat/postmark");
    expect(parsed.webhook).toEqual({ username: "hook", password: "secret" });
  });

  it.each([
    ["an empty token", { serverToken: "  " }],
    ["a non-http base URL", { baseUrl: "ftp://api.postmarkapp.com" }],
    ["a base URL with a query", { baseUrl: "https://api.postmarkapp.com/?a=1" }],
    ["a zero timeout", { timeoutMs: 0 }],
    ["an unknown key", { apiKey: "x" }],
  ])("refuses %s", (_case, overrides) => {
    const result = postmarkSettingsSchema.safeParse({
      name: "postmark",
      serverToken: "token",
      ...overrides,
    });
    expect(result.success).toBe(false);
  });
});
