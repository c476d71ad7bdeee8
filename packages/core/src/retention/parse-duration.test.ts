import { describe, expect, it } from "vitest";
import { parseDuration } from "./parse-duration";

describe("parseDuration", () => {
  it("reads seconds, minutes, hours and days", () => {
    expect(parseDuration("45s")).toBe(45_000);
    expect(parseDuration("90m")).toBe(5_400_000);
    expect(parseDuration("12h")).toBe(43_200_000);
    expect(parseDuration("30d")).toBe(2_592_000_000);
  });

  it("refuses what is not one whole number and one unit", () => {
    for (const value of ["", "30", "d", "0d", "1.5d", "-1d", "30 d", "30D", "1w", "1d2h", "030d"]) {
      expect(parseDuration(value), value).toBeNull();
    }
  });
});
