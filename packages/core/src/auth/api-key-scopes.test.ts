import { describe, expect, it } from "vitest";
import { missingScope, scopeRules, scopesFor, seesOwnMessagesOnly } from "./api-key-scopes";

describe("API key scopes", () => {
  it("opens every row of the table to admin and the row's scopes", () => {
    const expected: Record<string, string[]> = {
      "POST /v1/messages": ["admin", "send"],
      "POST /v1/messages/batch": ["admin", "send"],
      "POST /v1/templates/:id/render": ["admin", "send"],
      "GET /v1/messages": ["admin", "read", "send"],
      "GET /v1/messages/:id": ["admin", "read", "send"],
    };
    expect(scopeRules.map((rule) => `${rule.method} ${rule.pattern}`)).toEqual(
      Object.keys(expected),
    );
    for (const rule of scopeRules) {
      expect(scopesFor(rule.method, rule.pattern)).toEqual(
        expected[`${rule.method} ${rule.pattern}`],
      );
    }
  });

  it("leaves every other GET to read and everything else to admin", () => {
    expect(scopesFor("get", "/v1/providers")).toEqual(["admin", "read"]);
    expect(scopesFor("PUT", "/v1/routes")).toEqual(["admin"]);
    expect(scopesFor("POST", "/v1/messages/:id/cancel")).toEqual(["admin"]);
  });

  it("names the narrowest scope a key lacks", () => {
    expect(missingScope(["send"], "PUT", "/v1/routes")).toBe("admin");
    expect(missingScope(["send"], "GET", "/v1/providers")).toBe("read");
    expect(missingScope(["read"], "POST", "/v1/messages")).toBe("send");
    expect(missingScope(["read", "send"], "POST", "/v1/messages")).toBeNull();
    expect(missingScope(["admin"], "DELETE", "/v1/api-keys/:id")).toBeNull();
  });

  it("limits a send-only key to its own messages", () => {
    expect(seesOwnMessagesOnly(["send"])).toBe(true);
    expect(seesOwnMessagesOnly(["send", "read"])).toBe(false);
    expect(seesOwnMessagesOnly(["admin"])).toBe(false);
  });
});
