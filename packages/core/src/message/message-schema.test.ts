import { describe, expect, it } from "vitest";
import { parseAddress } from "./address";
import {
  recipientKindsOf,
  recipientsOf,
  sendMessageSchema,
  toEmailMessage,
} from "./message-schema";

const valid = {
  from: "Acme <noreply@acme.test>",
  to: "user@example.com",
  subject: "Hi",
  text: "Hello",
};

function issuesOf(body: unknown) {
  const result = sendMessageSchema.safeParse(body);
  if (result.success) {
    return [];
  }
  return result.error.issues.map((issue) => ({
    path: issue.path.join("."),
    message: issue.message,
    code: issue.code,
  }));
}

describe("parseAddress", () => {
  it("reads bare and named addresses and strips quotes from names", () => {
    expect(parseAddress("a@b.com")).toEqual({ email: "a@b.com" });
    expect(parseAddress("Jane Doe <jane@b.com>")).toEqual({
      email: "jane@b.com",
      name: "Jane Doe",
    });
    expect(parseAddress('"Doe, Jane" <jane@b.com>')).toEqual({
      email: "jane@b.com",
      name: "Doe, Jane",
    });
  });

  it("refuses what is not an address", () => {
    for (const value of [
      "",
      "jane",
      "jane@",
      "@b.com",
      "a b@c.com",
      "a@b",
      "Jane <jane@b.com",
      "a@b.com\r\nBcc: x@y.com",
    ]) {
      expect(parseAddress(value), value).toBeNull();
    }
  });
});

describe("sendMessageSchema", () => {
  it("normalizes a minimal message into lists of addresses", () => {
    const parsed = sendMessageSchema.parse(valid);
    const message = toEmailMessage("msg_1", parsed);
    expect(message.from).toEqual({ email: "noreply@acme.test", name: "Acme" });
    expect(message.to).toEqual([{ email: "user@example.com" }]);
    expect(message.cc).toEqual([]);
    expect(message.attachments).toEqual([]);
  });

  it("accepts every documented field", () => {
    const result = sendMessageSchema.safeParse({
      ...valid,
      to: ["a@example.com", { email: "b@example.com", name: "B" }],
      cc: "c@example.com",
      bcc: ["d@example.com"],
      replyTo: "Help <help@acme.test>",
      html: "<p>Hello</p>",
      attachments: [
        { filename: "a.txt", content: "aGVsbG8=", contentType: "text/plain" },
        { filename: "l.png", content: "iVBORw0=", contentId: "logo" },
      ],
      headers: { "X-Campaign": "spring" },
      tags: ["welcome"],
      metadata: { userId: "42" },
      sendAt: "2030-01-01T10:00:00+02:00",
    });
    expect(result.success).toBe(true);
  });

  it("names every bad field", () => {
    const issues = issuesOf({
      from: "not an address",
      to: [],
      subject: "two\nlines",
      text: "x",
      headers: { From: "x@y.com", "X-Ok": "line\r\nBcc: evil@x.com", "Bad Name": "v" },
      metadata: { count: 3 },
      attachments: [{ filename: "a", content: "***" }],
      sendAt: "tomorrow",
      surprise: true,
    });
    const paths = issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "from",
        "to",
        "subject",
        "headers.From",
        "headers.X-Ok",
        "headers.Bad Name",
        "metadata.count",
        "attachments.0.content",
        "sendAt",
      ]),
    );
    expect(issues.find((issue) => issue.code === "unrecognized_keys")).toBeTruthy();
  });

  it("requires a subject and a body unless a template is given", () => {
    expect(issuesOf({ from: valid.from, to: valid.to }).map((issue) => issue.path)).toEqual([
      "subject",
      "text",
    ]);
    expect(issuesOf({ from: valid.from, to: valid.to, template: { id: "welcome" } })).toEqual([]);
  });

  it("refuses a subject or a body beside a template, naming each field", () => {
    const template = { id: "welcome", version: 2, data: { user: { name: "Ada" } } };
    expect(issuesOf({ ...valid, html: "<p>x</p>", template }).map((issue) => issue.path)).toEqual([
      "subject",
      "text",
      "html",
    ]);
    expect(
      issuesOf({ from: valid.from, to: valid.to, template: { id: "welcome", version: 0 } }).map(
        (issue) => issue.path,
      ),
    ).toEqual(["template.version"]);
    expect(
      issuesOf({ from: valid.from, to: valid.to, template: { id: "welcome", extra: 1 } })[0]?.code,
    ).toBe("unrecognized_keys");
  });

  it("counts the recipients of a templated message too", () => {
    const to = Array.from({ length: 1001 }, (_, index) => `user${index}@example.com`);
    expect(
      issuesOf({ from: valid.from, to, template: { id: "welcome" } }).map((issue) => issue.path),
    ).toEqual(["to"]);
  });

  it("refuses reserved and X-Mailroute headers in any case", () => {
    for (const name of ["subject", "CONTENT-TYPE", "X-Mailroute-Message-Id"]) {
      expect(
        issuesOf({ ...valid, headers: { [name]: "x" } }).map((issue) => issue.path),
        name,
      ).toEqual([`headers.${name}`]);
    }
  });

  it("refuses Message-ID, which the provider sets, and says how to thread instead", () => {
    const issues = issuesOf({ ...valid, headers: { "Message-Id": "<a@b.test>" } });
    expect(issues.map((issue) => issue.path)).toEqual(["headers.Message-Id"]);
    expect(issues[0]?.message).toContain("In-Reply-To");
    expect(issuesOf({ ...valid, headers: { "In-Reply-To": "<a@b.test>" } })).toEqual([]);
  });

  it("refuses NUL and other control characters in header values, file names and tags", () => {
    const issues = issuesOf({
      ...valid,
      headers: { "X-Ok": "tab\tis fine", "X-Nul": "a\u0000b", "X-Esc": "\u001b[31m" },
      attachments: [{ filename: "a\u0000.txt", content: "aGVsbG8=" }],
      tags: ["a\u0000"],
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      "attachments.0.filename",
      "headers.X-Esc",
      "headers.X-Nul",
      "tags.0",
    ]);
    expect(issues.find((issue) => issue.path === "headers.X-Nul")?.message).toContain("NUL");
  });

  it("refuses a display name holding angle brackets or control characters", () => {
    for (const to of [
      "<a@b.com> <c@d.com>",
      '"Bank <help@bank.test>" <x@evil.test>',
      { email: "c@d.com", name: "<a@b.com>" },
      { email: "c@d.com", name: "a\u0000b" },
    ]) {
      // `to` is a list or one address: zod reports the union, with this branch's reason inside.
      const result = sendMessageSchema.safeParse({ ...valid, to });
      expect(result.success, JSON.stringify(to)).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["to"]);
      expect(JSON.stringify(result.error?.issues)).toContain("< or >");
    }
    expect(issuesOf({ ...valid, to: '"Doe, Jane" <jane@b.com>' })).toEqual([]);
  });

  it("validates a 7 MB base64 attachment in one pass, and refuses a broken one", () => {
    const content = Buffer.alloc(7 * 1024 * 1024, 0xa5).toString("base64");
    const body = { ...valid, attachments: [{ filename: "big.bin", content }] };
    expect(issuesOf(body)).toEqual([]);
    const broken = `${content.slice(0, -8)}*${content.slice(-7)}`;
    expect(issuesOf({ ...valid, attachments: [{ filename: "big.bin", content: broken }] })).toEqual(
      [{ path: "attachments.0.content", message: "must be base64", code: "custom" }],
    );
  });

  it("limits tags and recipients", () => {
    expect(
      issuesOf({ ...valid, tags: Array.from({ length: 11 }, (_, index) => `t${index}`) })[0]?.path,
    ).toBe("tags");
    const many = Array.from({ length: 1001 }, (_, index) => `u${index}@example.com`);
    expect(issuesOf({ ...valid, to: many })[0]?.path).toBe("to");
  });
});

describe("recipientsOf", () => {
  it("lowercases and de-duplicates across to, cc and bcc", () => {
    const message = toEmailMessage(
      "msg_1",
      sendMessageSchema.parse({
        ...valid,
        to: ["A@Example.com"],
        cc: "a@example.com",
        bcc: "b@example.com",
      }),
    );
    expect(recipientsOf(message)).toEqual(["a@example.com", "b@example.com"]);
    expect([...recipientKindsOf(message)]).toEqual([
      ["a@example.com", "to"],
      ["b@example.com", "bcc"],
    ]);
  });
});
