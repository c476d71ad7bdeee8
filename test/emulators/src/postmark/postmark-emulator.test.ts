import { Errors, ServerClient } from "postmark";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type PostmarkEmulator, startPostmarkEmulator } from "./postmark-emulator";

let emulator: PostmarkEmulator;

beforeEach(async () => {
  emulator = await startPostmarkEmulator({ inactiveRecipients: ["Gone@Example.net"] });
});

afterEach(async () => {
  await emulator.close();
});

function client(token = emulator.serverToken): ServerClient {
  const url = new URL(emulator.baseUrl);
  return new ServerClient(token, { useHttps: false, requestHost: url.host, timeout: 5 });
}

async function rejection(promise: Promise<unknown>): Promise<Errors.PostmarkError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Errors.PostmarkError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}

const message = {
  From: '"Shop, Inc." <shop@example.com>',
  To: "First To <to1@example.net>, to2@example.net",
  Cc: "Carbon Copy <cc@example.net>",
  Bcc: "bcc@example.net",
  ReplyTo: "Reply Desk <reply@example.com>",
  Subject: "Receipt",
  TextBody: "Thanks.",
  HtmlBody: '<img src="cid:logo">',
  Tag: "receipt",
  Metadata: { mailroute_id: "msg_1", orderId: "o-42" },
  Headers: [{ Name: "X-Campaign", Value: "spring" }],
  MessageStream: "outbound",
  Attachments: [
    { Name: "a.txt", Content: "YQ==", ContentType: "text/plain", ContentID: null },
    { Name: "logo.png", Content: "iVBORw0=", ContentType: "image/png", ContentID: "cid:logo" },
  ],
};

describe("startPostmarkEmulator, driven by the official postmark SDK", () => {
  it("accepts a message with Postmark's success shape and records it in the ledger", async () => {
    const response = await client().sendEmail(message);
    expect(response).toEqual({
      To: message.To,
      SubmittedAt: expect.any(String),
      MessageID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ErrorCode: 0,
      Message: "OK",
    });
    const [entry] = emulator.ledger();
    expect(entry).toMatchObject({
      providerMessageId: response.MessageID,
      mailrouteId: "msg_1",
      from: { email: "shop@example.com", name: "Shop, Inc." },
      to: [{ email: "to1@example.net", name: "First To" }, { email: "to2@example.net" }],
      cc: [{ email: "cc@example.net", name: "Carbon Copy" }],
      bcc: [{ email: "bcc@example.net" }],
      replyTo: [{ email: "reply@example.com", name: "Reply Desk" }],
      subject: "Receipt",
      text: "Thanks.",
      html: '<img src="cid:logo">',
      headers: { "X-Campaign": "spring" },
      tags: ["receipt"],
      metadata: { orderId: "o-42" },
      attachments: [
        { filename: "a.txt", contentType: "text/plain", contentId: null, content: "YQ==" },
        { filename: "logo.png", contentType: "image/png", contentId: "logo", content: "iVBORw0=" },
      ],
    });
    expect(emulator.requestCount()).toBe(1);
  });

  it("records TrackOpens and TrackLinks as sent, and refuses a link tracking value Postmark has not", async () => {
    await client().sendEmail({
      ...message,
      TrackOpens: false,
      TrackLinks: "HtmlAndText" as never,
    });
    await client().sendEmail(message);
    expect(emulator.ledger().map((entry) => entry.tracking)).toEqual([
      { TrackOpens: false, TrackLinks: "HtmlAndText" },
      {},
    ]);
    const error = await rejection(client().sendEmail({ ...message, TrackLinks: "All" as never }));
    expect(error.statusCode).toBe(422);
    expect(error.code).toBe(300);
    expect(emulator.ledger()).toHaveLength(2);
  });

  it("refuses a wrong server token with 401 and ErrorCode 10", async () => {
    const error = await rejection(client("not-the-token").sendEmail(message));
    expect(error).toBeInstanceOf(Errors.InvalidAPIKeyError);
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe(10);
    expect(emulator.ledger()).toHaveLength(0);
  });

  it("refuses a request without a token, and one that is not JSON", async () => {
    const missing = await fetch(`${emulator.baseUrl}/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(message),
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ ErrorCode: 10 });
    const form = await fetch(`${emulator.baseUrl}/email`, {
      method: "POST",
      headers: { "x-postmark-server-token": emulator.serverToken, "content-type": "text/plain" },
      body: "From=a",
    });
    expect(form.status).toBe(422);
    expect(await form.json()).toMatchObject({ ErrorCode: 409 });
  });

  it("answers an injected 503 the way the SDK maps to ServiceUnavailablerError", async () => {
    emulator.fault({ kind: "status", status: 503, times: 1 });
    const error = await rejection(client().sendEmail(message));
    expect(error).toBeInstanceOf(Errors.ServiceUnavailablerError);
    expect(error.statusCode).toBe(503);
    expect(emulator.ledger()).toHaveLength(0);
    await client().sendEmail(message);
    expect(emulator.ledger()).toHaveLength(1);
  });

  it("keeps a message it accepted before resetting the connection", async () => {
    emulator.fault({ kind: "acceptThenReset" });
    const error = await rejection(client().sendEmail(message));
    // The SDK reduces the socket error to "fetch failed": the cause is gone.
    expect(error.message).toBe("fetch failed");
    expect(error.statusCode).toBe(0);
    expect(emulator.ledger()).toHaveLength(1);
  });

  it("rejects a message whose recipients are all inactive with 422/406 the SDK can parse", async () => {
    const error = await rejection(
      client().sendEmail({ ...message, To: "gone@example.net", Cc: "", Bcc: "" }),
    );
    expect(error).toBeInstanceOf(Errors.InactiveRecipientsError);
    expect(error.statusCode).toBe(422);
    expect(error.code).toBe(406);
    expect((error as Errors.InactiveRecipientsError).recipients).toEqual(["gone@example.net"]);
    expect(emulator.ledger()).toHaveLength(0);
  });

  it("sends to the active recipients and names the inactive ones in the 200", async () => {
    const response = await client().sendEmail({ ...message, Bcc: "gone@example.net" });
    expect(response.ErrorCode).toBe(0);
    expect(response.Message).toMatch(
      /will not deliver to these inactive addresses: gone@example.net/,
    );
    expect(emulator.ledger()).toHaveLength(1);
  });

  it("rejects more than 50 recipients across To, Cc and Bcc with ErrorCode 300", async () => {
    const to = Array.from({ length: 49 }, (_, index) => `r${index}@example.net`).join(", ");
    const error = await rejection(client().sendEmail({ ...message, To: to }));
    expect(error).toBeInstanceOf(Errors.InvalidEmailRequestError);
    expect(error.code).toBe(300);
  });

  it("rejects metadata beyond Postmark's field limits with ErrorCode 300", async () => {
    const error = await rejection(
      client().sendEmail({ ...message, Metadata: { aVeryLongMetadataFieldName: "x" } }),
    );
    expect(error.code).toBe(300);
    expect(error.message).toMatch(/'aVeryLongMetadataFieldName' field/);
  });

  it("rejects a message without a body and one over 10 MB", async () => {
    const empty = await rejection(client().sendEmail({ ...message, TextBody: "", HtmlBody: "" }));
    expect(empty.message).toBe("Provide either email TextBody or HtmlBody or both.");
    const large = "A".repeat(10 * 1024 * 1024);
    const error = await rejection(
      client().sendEmail({
        ...message,
        Attachments: [{ Name: "big", Content: large, ContentType: "text/plain", ContentID: null }],
      }),
    );
    expect(error).toBeInstanceOf(Errors.UnknownError);
    expect(error.statusCode).toBe(413);
  });

  it("answers a batch with one result per message, failures included, in a 200", async () => {
    const results = await client().sendEmailBatch([
      message,
      { ...message, To: "gone@example.net", Cc: "", Bcc: "" },
    ]);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ ErrorCode: 0, Message: "OK" });
    expect(results[1]).toMatchObject({ ErrorCode: 406 });
    expect(emulator.ledger()).toHaveLength(1);
    expect(emulator.requestCount()).toBe(1);
  });
});
