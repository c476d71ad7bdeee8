import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { fullMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { toNodemailerMessage, watchMessageStream } from "./smtp-send";

describe("toNodemailerMessage", () => {
  it("maps every field of the message, names included", () => {
    const message = fullMessage("msg_send0000000000000000001");
    const options = toNodemailerMessage(message);
    expect(options).toMatchObject({
      from: { name: "Sender Name", address: "sender@example.com" },
      to: [
        { name: "First To", address: "to1@example.net" },
        { name: "", address: "to2@example.net" },
      ],
      cc: [{ name: "Carbon Copy", address: "cc@example.net" }],
      bcc: [{ name: "", address: "bcc@example.net" }],
      replyTo: [{ name: "Reply Desk", address: "reply@example.com" }],
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
    expect(options.attachments).toEqual([
      {
        filename: "receipt.txt",
        content: message.attachments[0]?.content,
        encoding: "base64",
        contentType: "text/plain",
      },
      {
        filename: "logo.png",
        content: message.attachments[1]?.content,
        encoding: "base64",
        contentType: "image/png",
        cid: "logo",
      },
    ]);
    expect(options.headers).toEqual({
      "X-Campaign": "spring",
      "List-Unsubscribe": "<mailto:unsub@example.com>",
      "X-Mailroute-Message-Id": "msg_send0000000000000000001",
      "X-Mailroute-Tags": "receipt",
      "X-Mailroute-Metadata": '{"orderId":"o-42","tenant":"acme"}',
    });
  });

  it("escapes commas and percent signs inside tags", () => {
    const options = toNodemailerMessage({ ...fullMessage(), tags: ["a,b", "50%", "plain"] });
    expect(options.headers).toMatchObject({ "X-Mailroute-Tags": "a%2Cb,50%25,plain" });
  });

  it("leaves out the tag and metadata headers when there are none", () => {
    const options = toNodemailerMessage({ ...fullMessage(), tags: [], metadata: {} });
    expect(Object.keys(options.headers ?? {})).toEqual([
      "X-Campaign",
      "List-Unsubscribe",
      "X-Mailroute-Message-Id",
    ]);
  });

  it("never lets a custom header replace the correlation headers, whatever its case", () => {
    const message = {
      ...fullMessage("msg_send0000000000000000002"),
      headers: { "x-mailroute-message-id": "forged", "X-MAILROUTE-TAGS": "forged" },
    };
    expect(toNodemailerMessage(message).headers).toEqual({
      "X-Mailroute-Message-Id": "msg_send0000000000000000002",
      "X-Mailroute-Tags": "receipt",
      "X-Mailroute-Metadata": '{"orderId":"o-42","tenant":"acme"}',
    });
  });
});

describe("watchMessageStream", () => {
  it("marks the message written only once every byte was read", async () => {
    const progress = { messageWritten: false };
    const output = watchMessageStream(Readable.from(["From: a\r\n", "\r\nbody\r\n"]), progress);
    expect(progress.messageWritten).toBe(false);
    expect(await text(output)).toBe("From: a\r\n\r\nbody\r\n");
    expect(progress.messageWritten).toBe(true);
  });

  it("passes an error of the source on and leaves the message unwritten", async () => {
    const progress = { messageWritten: false };
    const source = new Readable({
      read() {
        this.destroy(new Error("source failed"));
      },
    });
    await expect(text(watchMessageStream(source, progress))).rejects.toThrow("source failed");
    expect(progress.messageWritten).toBe(false);
  });
});
