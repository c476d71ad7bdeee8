import { describe, expect, it } from "vitest";
import { bareAddressOf } from "./bare-address-of";

describe("bareAddressOf", () => {
  it.each([
    ["User@Example.com", "user@example.com"],
    ["  user@example.com ", "user@example.com"],
    ["Jane Doe <Jane@Example.com>", "jane@example.com"],
    ['"Doe, <J>" <jane@example.com>  ', "jane@example.com"],
  ])("reads %j as %j", (value, expected) => {
    expect(bareAddressOf(value)).toBe(expected);
  });

  it.each([
    ["an empty string", ""],
    ["blank text", "   "],
    ["empty angle brackets", "Name <>"],
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
  ])("gives null for %s", (_case, value) => {
    expect(bareAddressOf(value)).toBeNull();
  });
});
