import { describe, expect, it } from "vitest";
import { toStringMetadata } from "./to-string-metadata";

describe("toStringMetadata", () => {
  it("keeps strings and writes other values as JSON", () => {
    expect(
      toStringMetadata({ text: "a", number: 2, flag: true, empty: null, list: [1], nested: {} }),
    ).toEqual({
      text: "a",
      number: "2",
      flag: "true",
      empty: "null",
      list: "[1]",
      nested: "{}",
    });
  });

  it("keeps a key named __proto__ as a plain key", () => {
    const metadata = toStringMetadata(JSON.parse('{"__proto__": "x"}'));
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.entries(metadata)).toEqual([["__proto__", "x"]]);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["an array", ["a"]],
    ["a string", "a=b"],
    ["a number", 1],
  ])("gives nothing for %s", (_case, value) => {
    expect(toStringMetadata(value)).toEqual({});
  });
});
