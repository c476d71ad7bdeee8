import { describe, expect, it } from "vitest";
import { isBase64 } from "./is-base64";

describe("isBase64", () => {
  it("accepts standard base64 with no, one or two padding characters", () => {
    for (const value of ["", "aGVs", "aGVsbG8=", "aGVsbA==", "+/+/", "AAAA".repeat(1000)]) {
      expect(isBase64(value), value).toBe(true);
    }
  });

  it("refuses a wrong length, padding in the wrong place and characters outside the alphabet", () => {
    for (const value of [
      "a",
      "aGVsbG8",
      "====",
      "A===",
      "aG=s",
      "a=Vs",
      "aGVs=",
      "aGV-",
      "aGV_",
      "aGV*",
      "aGVé",
      "aGV\u0000",
      "aG Vs",
    ]) {
      expect(isBase64(value), JSON.stringify(value)).toBe(false);
    }
  });

  it("checks a 10 MB value without running out of stack", () => {
    const value = Buffer.alloc(7_500_000, 0x5a).toString("base64");
    expect(value.length).toBe(10_000_000);
    expect(isBase64(value)).toBe(true);
    expect(isBase64(`${value.slice(0, -1)}!`)).toBe(false);
  });
});
