import { describe, expect, it } from "vitest";
import { classifyHttpStatus, parseRetryAfter } from "./classify-http-status";

describe("classifyHttpStatus", () => {
  const table: [number, string, string][] = [
    [300, "retryable", "provider_unavailable"],
    [308, "retryable", "provider_unavailable"],
    [399, "retryable", "provider_unavailable"],
    [400, "permanent", "invalid_request"],
    [401, "retryable", "authentication"],
    [402, "permanent", "invalid_request"],
    [403, "retryable", "authentication"],
    [404, "retryable", "authentication"],
    [405, "permanent", "invalid_request"],
    [413, "permanent", "invalid_request"],
    [422, "permanent", "invalid_request"],
    [428, "permanent", "invalid_request"],
    [429, "retryable", "rate_limited"],
    [430, "permanent", "invalid_request"],
    [499, "permanent", "invalid_request"],
    [500, "ambiguous", "provider_unavailable"],
    [502, "ambiguous", "provider_unavailable"],
    [503, "retryable", "provider_unavailable"],
    [504, "ambiguous", "provider_unavailable"],
    [599, "ambiguous", "provider_unavailable"],
  ];
  it.each(table)("reads %i as %s (%s)", (status, outcome, reason) => {
    expect(classifyHttpStatus(status)).toEqual({ outcome, reason });
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-12-03T12:00:00.000Z");
  const table: [string | null | undefined, number | undefined][] = [
    [undefined, undefined],
    [null, undefined],
    ["", undefined],
    ["   ", undefined],
    ["0", 0],
    ["120", 120_000],
    [" 5 ", 5000],
    ["1.5", 1500],
    ["-1", undefined],
    ["0x10", undefined],
    ["1e3", undefined],
    ["Infinity", undefined],
    ["soon", undefined],
    ["Thu, 03 Dec 2026 12:00:30 GMT", 30_000],
    ["Thu, 03 Dec 2026 11:59:00 GMT", 0],
    ["Thu, 99 Foo 2026 12:00:30 GMT", undefined],
  ];
  it.each(table)("reads %j as %j ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
