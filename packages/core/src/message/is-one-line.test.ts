import { describe, expect, it } from "vitest";
import { isOneLine } from "./is-one-line";

describe("isOneLine", () => {
  it("accepts text, tabs and non-ASCII", () => {
    for (const value of ["", "plain", "tab\there", "Jürgen – 日本", " \u0080 "]) {
      expect(isOneLine(value), JSON.stringify(value)).toBe(true);
    }
  });

  it("refuses every C0 control but the tab, and DEL", () => {
    for (let code = 0; code < 0x20; code += 1) {
      expect(isOneLine(`a${String.fromCharCode(code)}b`), `\\x${code.toString(16)}`).toBe(
        code === 0x09,
      );
    }
    expect(isOneLine("a\u007fb")).toBe(false);
    expect(isOneLine("\u001f")).toBe(false);
  });
});
