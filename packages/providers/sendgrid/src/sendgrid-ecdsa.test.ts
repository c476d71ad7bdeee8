import { describe, expect, it } from "vitest";
import { decodeBase64, derSignatureToRaw, isP256PublicKey } from "./sendgrid-ecdsa";

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));

describe("derSignatureToRaw", () => {
  it("left-pads short integers and drops the sign byte of 33-byte ones", () => {
    const r = `00${"ff".repeat(32)}`;
    const der = hex(`3026 0221 ${r} 0201 07`);
    const raw = derSignatureToRaw(der);
    expect(raw && Buffer.from(raw).toString("hex")).toBe(`${"ff".repeat(32)}${"00".repeat(31)}07`);
  });

  it.each([
    ["another outer tag", "3106 020101 020101"],
    ["a wrong outer length", "3007 020101 020101"],
    ["a negative integer", "3006 020181 020101"],
    ["an empty integer", "3005 0200 020101"],
    ["an integer longer than 33 bytes", `3027 0222 00${"11".repeat(33)} 020101`],
    ["trailing bytes", "3008 020101 020101 0000"],
    ["a missing s", "3003 020101"],
    ["nothing", ""],
  ])("refuses %s", (_case, text) => {
    expect(derSignatureToRaw(hex(text))).toBeNull();
  });
});

describe("decodeBase64", () => {
  it("decodes padded and unpadded text", () => {
    expect(decodeBase64("AQI=")).toEqual(Uint8Array.of(1, 2));
    expect(decodeBase64("AQI")).toEqual(Uint8Array.of(1, 2));
  });

  it.each(["not base64!", "A", "AQ==="])("refuses %j", (text) => {
    expect(decodeBase64(text)).toBeNull();
  });
});

describe("isP256PublicKey", () => {
  it("refuses a key of the right length but another algorithm", () => {
    const bytes = new Uint8Array(91);
    expect(isP256PublicKey(bytes)).toBe(false);
  });
});
