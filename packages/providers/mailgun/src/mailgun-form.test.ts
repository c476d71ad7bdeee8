import { describe, expect, it } from "vitest";
import { firstFormValue, formValues, lastFormValue, readMailgunForm } from "./mailgun-form";

const encode = (text: string) => new TextEncoder().encode(text);

describe("readMailgunForm", () => {
  it("reads url-encoded fields in order, repeated ones included", () => {
    const fields = readMailgunForm(
      "application/x-www-form-urlencoded",
      encode("tag=a&event=opened&tag=b+c&name=%C3%A9"),
    );
    expect(fields).toEqual([
      ["tag", "a"],
      ["event", "opened"],
      ["tag", "b c"],
      ["name", "é"],
    ]);
    expect(formValues(fields ?? [], "tag")).toEqual(["a", "b c"]);
    expect(firstFormValue(fields ?? [], "tag")).toBe("a");
    expect(lastFormValue(fields ?? [], "tag")).toBe("b c");
    expect(lastFormValue(fields ?? [], "missing")).toBeNull();
  });

  it("reads multipart text fields with quoted names and skips file parts", () => {
    const body = [
      "preamble",
      "--xyz",
      'Content-Disposition: form-data; name="message-headers"',
      "",
      '[["To", "a@b.com"]]',
      "--xyz",
      "Content-Disposition: form-data; name=event",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "line one\r\nline two",
      "--xyz",
      'Content-Disposition: form-data; name="attachment-1"; filename="a.txt"',
      "",
      "file",
      "--xyz--",
      "",
    ].join("\r\n");
    expect(readMailgunForm("multipart/form-data; boundary=xyz", encode(body))).toEqual([
      ["message-headers", '[["To", "a@b.com"]]'],
      ["event", "line one\r\nline two"],
    ]);
  });

  it.each([
    ["JSON", "application/json", "{}"],
    ["multipart without a boundary", "multipart/form-data", "--x--"],
    ["multipart without the closing delimiter", "multipart/form-data; boundary=x", "--x\r\n\r\na"],
    ["a part without a header block", "multipart/form-data; boundary=x", "--x\r\nabc\r\n--x--"],
  ])("returns null for %s", (_case, contentType, body) => {
    expect(readMailgunForm(contentType, encode(body))).toBeNull();
  });
});
