import { describe, expect, it } from "vitest";
import { parseJsonLeniently } from "./parse-json-leniently";

describe("parseJsonLeniently", () => {
  it("parses JSON text", () => {
    expect(parseJsonLeniently('{"a": [1, "b"]}')).toEqual({ a: [1, "b"] });
    expect(parseJsonLeniently("null")).toBeNull();
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["an empty string", ""],
    ["text that is not JSON", "{a: 1}"],
    ["JSON nested deeper than maxJsonDepth", `${"[".repeat(65)}${"]".repeat(65)}`],
  ])("gives undefined for %s", (_case, text) => {
    expect(parseJsonLeniently(text)).toBeUndefined();
  });
});
