import { describe, expect, it } from "vitest";
import { secondsToIso } from "./seconds-to-iso";

describe("secondsToIso", () => {
  it.each([
    [1498093527, "2017-06-22T01:05:27.000Z"],
    ["1498093527", "2017-06-22T01:05:27.000Z"],
    ["1498093527.001", "2017-06-22T01:05:27.001Z"],
    ["1498093527.123456", "2017-06-22T01:05:27.123Z"],
    ["1498093527.5", "2017-06-22T01:05:27.500Z"],
    [1498093527.25, "2017-06-22T01:05:27.250Z"],
    [0, "1970-01-01T00:00:00.000Z"],
  ])("reads %j as %s", (value, expected) => {
    expect(secondsToIso(value)).toBe(expected);
  });

  it("throws for a value that is no time", () => {
    expect(() => secondsToIso("yesterday")).toThrow(RangeError);
  });
});
