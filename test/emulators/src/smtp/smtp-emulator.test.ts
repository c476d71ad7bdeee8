import { tinyPng } from "@mailroute/core/testing";
import nodemailer from "nodemailer";
import type { NodemailerError } from "nodemailer/lib/errors";
import { afterEach, describe, expect, it } from "vitest";
import { type SmtpEmulator, type SmtpEmulatorOptions, startSmtpEmulator } from "./index";

let emulator: SmtpEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options?: SmtpEmulatorOptions) {
  emulator = await startSmtpEmulator(options);
  return emulator;
}

function transport(target: SmtpEmulator, auth?: { user: string; pass: string }) {
  return nodemailer.createTransport({ host: target.host, port: target.port, secure: false, auth });
}

const message = {
  from: { name: "Sender Name", address: "sender@example.com" },
  to: [{ name: "First To", address: "to1@example.net" }, "to2@example.net"],
  cc: [{ name: "Carbon Copy", address: "cc@example.net" }],
  bcc: ["bcc@example.net"],
  replyTo: { name: "Reply Desk", address: "reply@example.com" },
  subject: "Your receipt ✓",
  text: "Thanks for your order.",
  html: '<p>Thanks for your order.</p><img src="cid:logo">',
  attachments: [
    { filename: "receipt.txt", content: "cmVjZWlwdCBib2R5", encoding: "base64" },
    { filename: "logo.png", content: tinyPng, encoding: "base64", cid: "logo" },
  ],
  headers: {
    "X-Campaign": "spring",
    "X-Mailroute-Message-Id": "msg_emulator0000000000000001",
    "X-Mailroute-Tags": "receipt,a%2Cb",
    "X-Mailroute-Metadata": JSON.stringify({ orderId: "o-42", note: "é".repeat(40) }),
  },
};

async function sendExpectingError(send: Promise<unknown>): Promise<NodemailerError> {
  try {
    await send;
  } catch (error) {
    return error as NodemailerError;
  }
  throw new Error("expected the send to fail");
}

describe("SMTP emulator driven by nodemailer", () => {
  it("accepts a message with Postfix's reply and keeps every field in the ledger", async () => {
    const target = await start();
    const sent = await transport(target).sendMail(message);
    expect(sent.response).toMatch(/^250 2\.6\.0 Ok: queued as [0-9A-F]{12}$/);
    expect(sent.accepted).toHaveLength(4);
    const [entry] = target.ledger();
    expect(entry).toMatchObject({
      providerMessageId: sent.messageId,
      mailrouteId: "msg_emulator0000000000000001",
      from: { email: "sender@example.com", name: "Sender Name" },
      to: [{ email: "to1@example.net", name: "First To" }, { email: "to2@example.net" }],
      cc: [{ email: "cc@example.net", name: "Carbon Copy" }],
      bcc: [{ email: "bcc@example.net" }],
      replyTo: [{ email: "reply@example.com", name: "Reply Desk" }],
      subject: "Your receipt ✓",
      text: "Thanks for your order.",
      html: '<p>Thanks for your order.</p><img src="cid:logo">',
      headers: { "X-Campaign": "spring" },
      tags: ["receipt", "a,b"],
      metadata: { orderId: "o-42", note: "é".repeat(40) },
    });
    expect(entry?.attachments).toEqual([
      {
        filename: "receipt.txt",
        contentType: "text/plain",
        contentId: null,
        content: "cmVjZWlwdCBib2R5",
      },
      { filename: "logo.png", contentType: "image/png", contentId: "logo", content: tinyPng },
    ]);
    expect(target.requestCount()).toBe(1);
  });

  it("keeps a single-part body without the line break that ends the message", async () => {
    const target = await start();
    await transport(target).sendMail({
      from: "a@example.com",
      to: "b@example.net",
      html: "<b>x</b>",
    });
    expect(target.ledger()[0]).toMatchObject({ text: null, html: "<b>x</b>", bcc: [] });
  });

  it("refuses a wrong password with 535 and mail without login with 530", async () => {
    const target = await start({ auth: { user: "relay", pass: "secret" } });
    const wrong = await sendExpectingError(
      transport(target, { user: "relay", pass: "wrong" }).sendMail(message),
    );
    expect(wrong.code).toBe("EAUTH");
    expect(wrong.responseCode).toBe(535);
    const anonymous = await sendExpectingError(transport(target).sendMail(message));
    expect(anonymous.responseCode).toBe(530);
    expect(anonymous.command).toBe("MAIL FROM");
    await transport(target, { user: "relay", pass: "secret" }).sendMail(message);
    expect(target.ledger()).toHaveLength(1);
  });

  it("answers RCPT TO per recipient from the recipientReplies fault", async () => {
    const target = await start();
    target.fault({
      kind: "recipientReplies",
      replies: { "TO2@example.net": 550, "cc@example.net": 450 },
    });
    const sent = await transport(target).sendMail(message);
    expect(sent.rejected).toEqual(["to2@example.net", "cc@example.net"]);
    expect(sent.rejectedErrors?.map((error) => error.responseCode)).toEqual([550, 450]);
    expect(target.ledger()[0]?.raw).toMatchObject({
      envelope: { rcptTo: ["to1@example.net", "bcc@example.net"] },
    });
  });

  it("replies to the end of DATA as a fault says, without keeping the message", async () => {
    const target = await start();
    target.fault({
      kind: "dataReply",
      code: 554,
      message: "5.7.1 Message rejected as spam",
      times: 1,
    });
    const rejected = await sendExpectingError(transport(target).sendMail(message));
    expect(rejected).toMatchObject({ code: "EMESSAGE", responseCode: 554, command: "DATA" });
    target.fault({ kind: "status", status: 429, times: 1 });
    const deferred = await sendExpectingError(transport(target).sendMail(message));
    expect(deferred.responseCode).toBe(451);
    expect(target.ledger()).toHaveLength(0);
    expect(target.requestCount()).toBe(2);
  });

  it("keeps the message and drops the connection on acceptThenReset", async () => {
    const target = await start();
    target.fault({ kind: "acceptThenReset" });
    const error = await sendExpectingError(transport(target).sendMail(message));
    expect(error.code).toBe("ECONNECTION");
    expect(target.ledger()).toHaveLength(1);
  });

  it("refuses connections on the refuse fault", async () => {
    const target = await start();
    target.fault({ kind: "refuse" });
    const error = await sendExpectingError(transport(target).sendMail(message));
    expect(error.originalCode ?? error.code).toBe("ECONNREFUSED");
  });

  it("enforces the recipient and size limits with 452 and 552", async () => {
    const target = await start({ maxRecipients: 2, maxMessageBytes: 1000 });
    const tooMany = await transport(target).sendMail({
      from: "a@example.com",
      to: ["b@example.net", "c@example.net", "d@example.net"],
      text: "x",
    });
    expect(tooMany.rejectedErrors?.map((error) => error.responseCode)).toEqual([452]);
    const tooBig = await sendExpectingError(
      transport(target).sendMail({
        from: "a@example.com",
        to: "b@example.net",
        text: "x".repeat(2000),
      }),
    );
    expect(tooBig.responseCode).toBe(552);
  });
});
