import { describe, expect, it } from "vitest";
import { createMailgunTokenCache } from "./mailgun-token-cache";

describe("createMailgunTokenCache", () => {
  it("refuses a token reused with other event data until it expires", () => {
    const cache = createMailgunTokenCache(10);
    expect(cache.claim("a", "body-1", 2000, 1000)).toBe(true);
    expect(cache.claim("a", "body-2", 2000, 1999)).toBe(false);
    expect(cache.claim("a", "body-2", 3000, 2000)).toBe(true);
  });

  it("lets the same delivery through again, as Mailgun retries it after a failure", () => {
    const cache = createMailgunTokenCache(10);
    expect(cache.claim("a", "body-1", 2000, 1000)).toBe(true);
    expect(cache.claim("a", "body-1", 2000, 1500)).toBe(true);
  });

  it("drops expired tokens before evicting live ones", () => {
    const cache = createMailgunTokenCache(2);
    cache.claim("old", "body", 1500, 1000);
    cache.claim("live", "body", 9000, 1000);
    expect(cache.claim("new", "body", 9000, 2000)).toBe(true);
    expect(cache.size).toBe(2);
    expect(cache.claim("live", "forged", 9000, 2000)).toBe(false);
  });

  it("stays within its bound by evicting the oldest token", () => {
    const cache = createMailgunTokenCache(3);
    for (const token of ["a", "b", "c", "d"]) {
      expect(cache.claim(token, "body", 9000, 1000)).toBe(true);
    }
    expect(cache.size).toBe(3);
    expect(cache.claim("a", "forged", 9000, 1000)).toBe(true);
    expect(cache.claim("d", "forged", 9000, 1000)).toBe(false);
  });
});
