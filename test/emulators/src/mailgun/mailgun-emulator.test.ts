import FormData from "form-data";
import Mailgun from "mailgun.js";
import type { MailgunClientOptions, MailgunMessageData } from "mailgun.js/definitions";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../emulator-server";
import { mailgunEmulatorDefaults, startMailgunEmulator } from "./mailgun-emulator";

const { apiKey, domain } = mailgunEmulatorDefaults;

function sdkClient(baseUrl: string, key: string = apiKey) {
  // mailgun.js types `proxy` as an object, but axios takes false as "no proxy, not even HTTP_PROXY".
  const proxy = false as unknown as MailgunClientOptions["proxy"];
  return new Mailgun(FormData).client({ username: "api", key, url: baseUrl, proxy });
}

async function sdkError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { type: string; status: number; message: string; details: string };
  }
  throw new Error("expected the SDK call to fail");
}

const simple = {
  from: "Sender <sender@example.com>",
  to: ["rcpt@example.net"],
  subject: "Hello",
  text: "plain body",
};

describe("startMailgunEmulator driven by mailgun.js", () => {
  let emulator: RunningEmulator;
  afterEach(async () => {
    await emulator.close();
  });

  it("answers a send with Mailgun's success shape and records it in the ledger", async () => {
    emulator = await startMailgunEmulator();
    const result = await sdkClient(emulator.baseUrl).messages.create(domain, {
      from: '"Doe, Jane" <sender@example.com>',
      to: ["First <to1@example.net>", "to2@example.net"],
      cc: "Carbon Copy <cc@example.net>, other@example.net",
      bcc: ["bcc@example.net"],
      subject: "Receipt ✓",
      text: "plain body",
      html: '<p>html</p><img src="cid:logo">',
      "h:Reply-To": "Reply Desk <reply@example.com>",
      "h:X-Campaign": "spring",
      "h:X-Mailgun-Variables": JSON.stringify({ fromHeader: "yes" }),
      "o:tag": ["receipt", "tx"],
      "o:deliverytime": "Thu, 13 Oct 2030 18:02:00 +0000",
      "v:orderId": "o-42",
      "v:mailroute_id": "msg_1",
      attachment: [{ filename: "a.txt", data: Buffer.from("hello"), contentType: "text/plain" }],
      inline: [{ filename: "logo", data: Buffer.from("png"), contentType: "image/png" }],
    });
    expect(result.status).toBe(200);
    expect(result.message).toBe("Queued. Thank you.");
    expect(result.id).toMatch(
      new RegExp(`^<\\d{14}\\.[0-9a-f]{16}@${domain.replace(".", "\\.")}>$`),
    );

    const [entry] = emulator.ledger();
    expect(entry).toMatchObject({
      providerMessageId: result.id?.slice(1, -1),
      mailrouteId: "msg_1",
      from: { email: "sender@example.com", name: "Doe, Jane" },
      to: [{ email: "to1@example.net", name: "First" }, { email: "to2@example.net" }],
      cc: [{ email: "cc@example.net", name: "Carbon Copy" }, { email: "other@example.net" }],
      bcc: [{ email: "bcc@example.net" }],
      replyTo: [{ email: "reply@example.com", name: "Reply Desk" }],
      subject: "Receipt ✓",
      text: "plain body",
      html: '<p>html</p><img src="cid:logo">',
      headers: { "X-Campaign": "spring" },
      tags: ["receipt", "tx"],
      metadata: { orderId: "o-42", fromHeader: "yes" },
      sendAt: "2030-10-13T18:02:00.000Z",
      attachments: [
        {
          filename: "a.txt",
          contentType: "text/plain",
          contentId: null,
          content: Buffer.from("hello").toString("base64"),
        },
        {
          filename: "logo",
          contentType: "image/png",
          contentId: "logo",
          content: Buffer.from("png").toString("base64"),
        },
      ],
    });
    expect(entry?.to[1]).not.toHaveProperty("name");
    expect(entry?.headers).not.toHaveProperty("Reply-To");
    expect(entry?.metadata).not.toHaveProperty("mailroute_id");
    expect(emulator.requestCount()).toBe(1);
  });

  it("refuses a wrong key with 401 and the bare text Forbidden", async () => {
    emulator = await startMailgunEmulator();
    const error = await sdkError(
      sdkClient(emulator.baseUrl, "key-wrong").messages.create(domain, simple),
    );
    expect(error).toMatchObject({ type: "MailgunAPIError", status: 401, details: "Forbidden" });
    expect(emulator.ledger()).toHaveLength(0);
  });

  it("answers 404 for a domain the account does not have", async () => {
    emulator = await startMailgunEmulator();
    const error = await sdkError(
      sdkClient(emulator.baseUrl).messages.create("other.example.org", simple),
    );
    expect(error).toMatchObject({ status: 404, details: "Domain not found: other.example.org" });
  });

  it("records the o:tracking options as sent and refuses a value Mailgun does not take", async () => {
    emulator = await startMailgunEmulator();
    const client = sdkClient(emulator.baseUrl);
    await client.messages.create(domain, {
      ...simple,
      "o:tracking-opens": "no",
      "o:tracking-clicks": "yes",
    });
    await client.messages.create(domain, simple);
    expect(emulator.ledger().map((entry) => entry.tracking)).toEqual([
      { "o:tracking-opens": "no", "o:tracking-clicks": "yes" },
      {},
    ]);
    expect(
      await sdkError(
        client.messages.create(domain, { ...simple, "o:tracking-opens": "maybe" as never }),
      ),
    ).toMatchObject({ status: 400, details: expect.stringContaining("o:tracking-opens") });
    expect(emulator.ledger()).toHaveLength(2);
  });

  it("validates required fields and the recipient limit with 400 {message}", async () => {
    emulator = await startMailgunEmulator();
    const client = sdkClient(emulator.baseUrl);
    const { subject: _subject, ...withoutSubject } = simple;
    expect(await sdkError(client.messages.create(domain, withoutSubject))).toMatchObject({
      status: 400,
      details: "'subject' parameter is missing",
    });
    const { text: _text, ...withoutBody } = simple;
    // The SDK's type demands a body; the API's own answer to its absence is under test.
    const bodiless = withoutBody as MailgunMessageData;
    expect(await sdkError(client.messages.create(domain, bodiless))).toMatchObject({
      status: 400,
      details: "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified",
    });
    const tooMany = Array.from({ length: 1001 }, (_, index) => `r${index}@example.net`);
    expect(
      await sdkError(client.messages.create(domain, { ...simple, to: tooMany })),
    ).toMatchObject({ status: 400, details: "Too many recipients, max is 1000" });
    expect(emulator.ledger()).toHaveLength(0);
    expect(emulator.requestCount()).toBe(3);
  });

  it("refuses a message over 25 MB with 413", async () => {
    emulator = await startMailgunEmulator();
    const error = await sdkError(
      sdkClient(emulator.baseUrl).messages.create(domain, {
        ...simple,
        attachment: [{ filename: "big.bin", data: Buffer.alloc(20 * 1024 * 1024) }],
      }),
    );
    expect(error.status).toBe(413);
    expect(emulator.ledger()).toHaveLength(0);
  });

  it("applies a status fault with Mailgun's error body", async () => {
    emulator = await startMailgunEmulator();
    emulator.fault({ kind: "status", status: 429, times: 1 });
    const client = sdkClient(emulator.baseUrl);
    expect(await sdkError(client.messages.create(domain, simple))).toMatchObject({
      status: 429,
      message: "Too Many Requests",
      details: "Too many requests",
    });
    await expect(client.messages.create(domain, simple)).resolves.toMatchObject({ status: 200 });
    expect(emulator.requestCount()).toBe(2);
    expect(emulator.ledger()).toHaveLength(1);
  });

  it("accepts then resets the connection, which the SDK reports as a 400 ECONNRESET", async () => {
    emulator = await startMailgunEmulator();
    emulator.fault({ kind: "acceptThenReset" });
    const error = await sdkError(sdkClient(emulator.baseUrl).messages.create(domain, simple));
    expect(error).toMatchObject({ status: 400, message: "ECONNRESET" });
    expect(emulator.ledger()).toHaveLength(1);
  });
});
