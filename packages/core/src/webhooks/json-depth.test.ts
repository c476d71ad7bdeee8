import { describe, expect, it } from "vitest";
import { WebhookPayloadError } from "../errors/webhook-errors";
import { checkJsonDepth, jsonDepth, maxJsonDepth } from "./json-depth";

const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

describe("jsonDepth", () => {
  it.each([
    ["a scalar", '"text"', 0],
    ["an empty object", "{}", 1],
    ["an array of objects", '[{"a":1},{"b":[2]}]', 3],
    ["siblings, which do not add up", "[[],[],[[]]]", 3],
    ["objects inside objects", '{"a":{"b":{"c":{}}}}', 4],
  ])("counts %s", (_case, text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    expect(jsonDepth(`{"a":"${"[{".repeat(1000)}"}`)).toBe(1);
    expect(jsonDepth(String.raw`["\"[[[", "\\", ["x"]]`)).toBe(2);
    expect(jsonDepth(String.raw`["\\\"[", ["\\\\"], [[]]]`)).toBe(3);
  });

  it("stops at a string that never closes (the parser refuses the body next)", () => {
    expect(jsonDepth('[["x]]]]')).toBe(2);
  });

  it("measures a body nested a million levels deep without using the stack", () => {
    expect(jsonDepth(nested(1_000_000))).toBe(1_000_000);
  });
});

describe("checkJsonDepth", () => {
  it(`lets exactly ${maxJsonDepth} levels through and refuses one more, naming the provider`, () => {
    expect(maxJsonDepth).toBe(64);
    const objects = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${"}".repeat(levels - 1)}`;
    expect(() => checkJsonDepth(objects(maxJsonDepth), "Acme")).not.toThrow();
    expect(() => checkJsonDepth(nested(maxJsonDepth), "Acme")).not.toThrow();
    expect(() => checkJsonDepth(objects(maxJsonDepth + 1), "Acme")).toThrow(WebhookPayloadError);
    expect(() => checkJsonDepth(nested(maxJsonDepth + 1), "Acme")).toThrow(
      new WebhookPayloadError("Acme webhook body nests deeper than 64 levels"),
    );
  });
});
