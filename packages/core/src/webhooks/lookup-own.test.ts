import { describe, expect, it } from "vitest";
import { lookupOwn } from "./lookup-own";

const table: Record<string, string> = { delivered: "delivered", bounce: "bounced" };

describe("lookupOwn", () => {
  it("finds the rows of the table", () => {
    expect(lookupOwn(table, "bounce")).toBe("bounced");
    expect(lookupOwn({ 1: "HardBounce" } as Record<number, string>, 1)).toBe("HardBounce");
  });

  it.each([
    ["an unlisted key", "open"],
    ["a key of Object.prototype", "constructor"],
    ["__proto__", "__proto__"],
    ["null", null],
    ["undefined", undefined],
  ])("finds nothing for %s", (_case, key) => {
    expect(lookupOwn(table, key)).toBeUndefined();
  });
});
