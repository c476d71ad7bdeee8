import { fullMessage, tinyPng } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { findPostmarkLimitViolation, toPostmarkMessage } from "./postmark-send";

describe("toPostmarkMessage", () => {
  it("maps every field of the message onto Postmark's body", () => {
    const message = fullMessage("msg_send000000000000000001");
    expect(toPostmarkMessage(message, "outbound")).toEqual({
      From: "Sender Name <sender@example.com>",
      To: "First To <to1@example.net>, to2@example.net",
      Cc: "Carbon Copy <cc@example.net>",
      Bcc: "bcc@example.net",
      ReplyTo: "Reply Desk <reply@example.com>",
      Subject: "Your receipt ✓",
      TextBody: "Thanks for your order.",
      HtmlBody: '<p>Thanks for your order.</p><img src="cid:logo">',
      MessageStream: "outbound",
      Tag: "receipt",
      Metadata: { orderId: "o-42", tenant: "acme", mailroute_id: "msg_send000000000000000001" },
      Headers: [
        { Name: "X-Campaign", Value: "spring" },
        { Name: "List-Unsubscribe", Value: "<mailto:unsub@example.com>" },
      ],
      Attachments: [
        {
          Name: "receipt.txt",
          Content: message.attachments[0]?.content,
          ContentType: "text/plain",
          ContentID: null,
        },
        { Name: "logo.png", Content: tinyPng, ContentType: "image/png", ContentID: "cid:logo" },
      ],
    });
  });

  it("quotes display names with commas so the list splits correctly", () => {
    const body = toPostmarkMessage(
      { ...fullMessage(), to: [{ email: "jane@example.net", name: 'Doe, "JJ" Jane' }] },
      "outbound",
    );
    expect(body.To).toBe('"Doe, \\"JJ\\" Jane" <jane@example.net>');
  });

  it("leaves out empty lists and defaults a missing attachment type", () => {
    const body = toPostmarkMessage(
      {
        ...fullMessage(),
        cc: [],
        bcc: [],
        replyTo: [],
        tags: [],
        headers: {},
        attachments: [{ filename: "blob.bin", content: "AAAA" }],
      },
      "transactional-eu",
    );
    expect(body).toMatchObject({ MessageStream: "transactional-eu" });
    expect(body.Cc).toBeUndefined();
    expect(body.ReplyTo).toBeUndefined();
    expect(body.Tag).toBeUndefined();
    expect(body.Headers).toBeUndefined();
    expect(body.Attachments).toEqual([
      {
        Name: "blob.bin",
        Content: "AAAA",
        ContentType: "application/octet-stream",
        ContentID: null,
      },
    ]);
  });
});

describe("findPostmarkLimitViolation", () => {
  const check = (overrides: Partial<ReturnType<typeof fullMessage>>) => {
    const message = { ...fullMessage(), ...overrides };
    return findPostmarkLimitViolation(message, toPostmarkMessage(message, "outbound"));
  };

  it("accepts the full message", () => {
    expect(check({})).toBeNull();
  });

  it("refuses more than one tag", () => {
    expect(check({ tags: ["a", "b"] })).toMatch(/one tag/);
  });

  it("refuses more than ten metadata fields, mailroute_id included", () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 10 }, (_, index) => [`k${index}`, "v"]),
    );
    expect(check({ metadata })).toMatch(/at most 10 metadata fields/);
  });

  it("refuses metadata names over 20 and values over 80 characters", () => {
    expect(check({ metadata: { aVeryLongMetadataFieldName: "v" } })).toMatch(/aVeryLong/);
    expect(check({ metadata: { note: "x".repeat(81) } })).toMatch(/'note'/);
  });

  it("refuses a body over 5 MB", () => {
    expect(check({ html: "x".repeat(5 * 1024 * 1024 + 1) })).toMatch(/HtmlBody/);
  });
});
