import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../src/transport";

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-12-03T12:00:00.000Z");
  const table: [string | null, number | undefined][] = [
    [null, undefined],
    ["", undefined],
    ["0", 0],
    ["120", 120_000],
    [" 5 ", 5000],
    ["1.5", 1500],
    ["-1", undefined],
    ["0x10", undefined],
    ["1e3", undefined],
    ["soon", undefined],
    ["Thu, 03 Dec 2026 12:00:30 GMT", 30_000],
    ["Thu, 03 Dec 2026 11:59:00 GMT", 0],
  ];
  it.each(table)("reads %j as %j ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
