import { fullMessage, tinyPng } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { buildSendGridMailBody } from "./sendgrid-mail-body";

const now = Date.UTC(2026, 10, 22, 12, 0, 0);

describe("buildSendGridMailBody", () => {
  it("maps every field of the message to the v3 Mail Send body", () => {
    const message = fullMessage("msg_body");
    expect(buildSendGridMailBody(message, now)).toEqual({
      personalizations: [
        {
          to: [{ email: "to1@example.net", name: "First To" }, { email: "to2@example.net" }],
          cc: [{ email: "cc@example.net", name: "Carbon Copy" }],
          bcc: [{ email: "bcc@example.net" }],
        },
      ],
      from: { email: "sender@example.com", name: "Sender Name" },
      reply_to_list: [{ email: "reply@example.com", name: "Reply Desk" }],
      subject: "Your receipt ✓",
      content: [
        { type: "text/plain", value: "Thanks for your order." },
        { type: "text/html", value: '<p>Thanks for your order.</p><img src="cid:logo">' },
      ],
      attachments: [
        {
          content: message.attachments[0]?.content,
          filename: "receipt.txt",
          type: "text/plain",
          disposition: "attachment",
        },
        {
          content: tinyPng,
          filename: "logo.png",
          type: "image/png",
          disposition: "inline",
          content_id: "logo",
        },
      ],
      headers: { "X-Campaign": "spring", "List-Unsubscribe": "<mailto:unsub@example.com>" },
      categories: ["receipt"],
      custom_args: { orderId: "o-42", tenant: "acme", mailroute_id: "msg_body" },
    });
  });

  it("leaves out what the message does not have", () => {
    const body = buildSendGridMailBody(
      {
        id: "msg_min",
        from: { email: "a@example.com" },
        to: [{ email: "b@example.net" }],
        cc: [],
        bcc: [],
        replyTo: [],
        subject: "Hi",
        html: "<p>hi</p>",
        attachments: [],
        headers: {},
        tags: [],
        metadata: {},
      },
      now,
    );
    expect(body).toEqual({
      personalizations: [{ to: [{ email: "b@example.net" }] }],
      from: { email: "a@example.com" },
      subject: "Hi",
      content: [{ type: "text/html", value: "<p>hi</p>" }],
      custom_args: { mailroute_id: "msg_min" },
    });
  });

  it("writes mailroute's id over a metadata key of the same name", () => {
    const message = { ...fullMessage("msg_real"), metadata: { mailroute_id: "forged" } };
    expect(buildSendGridMailBody(message, now).custom_args).toEqual({ mailroute_id: "msg_real" });
  });

  it("drops an address repeated across to, cc and bcc, which SendGrid would refuse", () => {
    const message = {
      ...fullMessage(),
      to: [{ email: "same@example.net" }],
      cc: [{ email: "SAME@example.net" }, { email: "other@example.net" }],
      bcc: [{ email: "same@example.net" }],
    };
    expect(buildSendGridMailBody(message, now).personalizations).toEqual([
      { to: [{ email: "same@example.net" }], cc: [{ email: "other@example.net" }] },
    ]);
  });

  it("schedules with send_at in whole seconds, and sends a past sendAt at once", () => {
    const future = { ...fullMessage(), sendAt: new Date(now + 3_600_500).toISOString() };
    expect(buildSendGridMailBody(future, now).send_at).toBe(now / 1000 + 3601);
    const past = { ...fullMessage(), sendAt: new Date(now - 1000).toISOString() };
    expect(buildSendGridMailBody(past, now)).not.toHaveProperty("send_at");
  });

  it("skips an empty text part, since SendGrid refuses empty content", () => {
    const message = { ...fullMessage(), text: "" };
    expect(buildSendGridMailBody(message, now).content.map((part) => part.type)).toEqual([
      "text/html",
    ]);
  });
});
