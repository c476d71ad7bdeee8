import { describe, expect, it } from "vitest";
import { parseJsonObject } from "./parse-json-object";

describe("parseJsonObject", () => {
  it("reads a JSON object", () => {
    expect(parseJsonObject('{"mailroute_id": "msg_1", "n": 2}')).toEqual({
      mailroute_id: "msg_1",
      n: 2,
    });
  });

  it.each([
    ["null", null],
    ["an empty value", ""],
    ["text that is not JSON", "{mailroute_id: 1}"],
    ["a JSON array", '["a"]'],
    ["a JSON string", '"a"'],
    ["JSON null", "null"],
  ])("gives {} for %s", (_case, value) => {
    expect(parseJsonObject(value)).toEqual({});
  });
});
