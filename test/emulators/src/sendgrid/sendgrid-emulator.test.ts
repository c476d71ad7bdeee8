import { Client } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../emulator-server";
import { sendGridTestApiKey, startSendGridEmulator } from "./index";

// These tests drive the emulator with the official SDK only (no adapter), so they show what the
// SDK sees: the success shape, the error shapes and the faults.

interface SdkResponseError extends Error {
  code: number;
  response: { headers: Record<string, string>; body: unknown };
}

function createMailService(baseUrl: string, apiKey = sendGridTestApiKey): MailService {
  const client = new Client();
  // setApiKey resets the base URL to api.sendgrid.com, so it goes first.
  client.setApiKey(apiKey);
  client.setDefaultRequest("baseUrl", baseUrl);
  const service = new MailService();
  service.setClient(client);
  return service;
}

async function sendExpectingError(send: () => Promise<unknown>): Promise<SdkResponseError> {
  try {
    await send();
  } catch (error) {
    return error as SdkResponseError;
  }
  throw new Error("expected the send to fail");
}

const message = {
  from: { email: "sender@example.com", name: "Sender" },
  to: [{ email: "to@example.net", name: "To" }, "plain@example.net"],
  cc: "cc@example.net",
  subject: "Hello",
  text: "plain body",
  html: "<p>html body</p>",
  categories: ["receipt"],
  customArgs: { mailroute_id: "msg_1", order: "o-1" },
};

describe("SendGrid emulator", () => {
  let emulator: RunningEmulator;

  beforeEach(async () => {
    emulator = await startSendGridEmulator();
  });

  afterEach(async () => {
    await emulator.close();
  });

  it("answers a send with 202, an empty body and an X-Message-Id header", async () => {
    const [response] = await createMailService(emulator.baseUrl).send(message);
    expect(response.statusCode).toBe(202);
    expect(response.body).toBe("");
    const providerMessageId = response.headers["x-message-id"];
    expect(providerMessageId).toMatch(/^[\w-]{22}$/);
    expect(emulator.ledger()).toEqual([
      expect.objectContaining({
        providerMessageId,
        mailrouteId: "msg_1",
        from: { email: "sender@example.com", name: "Sender" },
        to: [{ email: "to@example.net", name: "To" }, { email: "plain@example.net" }],
        cc: [{ email: "cc@example.net" }],
        bcc: [],
        subject: "Hello",
        text: "plain body",
        html: "<p>html body</p>",
        tags: ["receipt"],
        metadata: { order: "o-1" },
        sendAt: null,
      }),
    ]);
  });

  it("records tracking_settings as sent and refuses a switch that is not a boolean", async () => {
    const service = createMailService(emulator.baseUrl);
    const trackingSettings = {
      openTracking: { enable: false },
      clickTracking: { enable: true, enableText: true },
    };
    await service.send({ ...message, trackingSettings });
    await service.send(message);
    expect(emulator.ledger().map((entry) => entry.tracking)).toEqual([
      {
        tracking_settings: {
          open_tracking: { enable: false },
          click_tracking: { enable: true, enable_text: true },
        },
      },
      {},
    ]);
    // The mail helper drops a switch it cannot read, so the bad body goes through the client.
    const client = new Client();
    client.setApiKey(sendGridTestApiKey);
    client.setDefaultRequest("baseUrl", emulator.baseUrl);
    const body = {
      personalizations: [{ to: [{ email: "to@example.net" }] }],
      from: { email: "sender@example.com" },
      subject: "Hello",
      content: [{ type: "text/plain", value: "plain body" }],
      tracking_settings: { open_tracking: { enable: "no" } },
    };
    const error = await sendExpectingError(() =>
      client.request({ method: "POST", url: "/v3/mail/send", body }),
    );
    expect(error.code).toBe(400);
    expect(JSON.stringify(error.response.body)).toContain("tracking_settings.open_tracking.enable");
  });

  it("refuses a wrong API key with SendGrid's 401 shape", async () => {
    const service = createMailService(emulator.baseUrl, "SG.wrong-key");
    const error = await sendExpectingError(() => service.send(message));
    expect(error.code).toBe(401);
    expect(error.response.body).toEqual({
      errors: [
        {
          message: "The provided authorization grant is invalid, expired, or revoked",
          field: null,
          help: null,
        },
      ],
    });
    expect(emulator.ledger()).toHaveLength(0);
  });

  it("applies a status fault with Retry-After, as SendGrid's 429", async () => {
    emulator.fault({ kind: "status", status: 429, retryAfter: "7", times: 1 });
    const service = createMailService(emulator.baseUrl);
    const error = await sendExpectingError(() => service.send(message));
    expect(error.code).toBe(429);
    expect(error.response.headers["retry-after"]).toBe("7");
    expect(error.response.body).toEqual({
      errors: [{ message: "too many requests", field: null, help: null }],
    });
    const [response] = await service.send(message);
    expect(response.statusCode).toBe(202);
    expect(emulator.requestCount()).toBe(2);
  });

  it("refuses more than 1000 recipients with a 400 naming the field", async () => {
    const to = Array.from({ length: 1001 }, (_, index) => `r${index}@example.net`);
    const error = await sendExpectingError(() =>
      createMailService(emulator.baseUrl).send({ ...message, to, cc: [] }),
    );
    expect(error.code).toBe(400);
    expect(error.response.body).toEqual({
      errors: [
        expect.objectContaining({
          field: "personalizations",
          message: "There is a limit of 1000 total recipients (to + cc + bcc) per request.",
        }),
      ],
    });
  });

  it("refuses a body over 30 MB with 413", async () => {
    const content = Buffer.alloc(31 * 1024 * 1024, 1).toString("base64");
    const error = await sendExpectingError(() =>
      createMailService(emulator.baseUrl).send({
        ...message,
        attachments: [{ content, filename: "big.bin" }],
      }),
    );
    expect(error.code).toBe(413);
    expect(emulator.ledger()).toHaveLength(0);
  });

  it("answers 200 and queues nothing in sandbox mode", async () => {
    const [response] = await createMailService(emulator.baseUrl).send({
      ...message,
      mailSettings: { sandboxMode: { enable: true } },
    });
    expect(response.statusCode).toBe(200);
    expect(emulator.ledger()).toHaveLength(0);
  });

  it("refuses the key replaced by an email header named Authorization (the SDK's header leak)", async () => {
    const service = createMailService(emulator.baseUrl);
    const error = await sendExpectingError(() =>
      service.send({ ...message, headers: { Authorization: "Bearer SG.not-the-key" } }),
    );
    expect(error.code).toBe(401);
  });

  it("refuses an inline attachment whose content id the SDK left as contentId", async () => {
    const service = createMailService(emulator.baseUrl);
    const error = await sendExpectingError(() =>
      service.send({
        ...message,
        attachments: [
          { content: "aGk=", filename: "logo.png", disposition: "inline", contentId: "logo" },
        ],
      }),
    );
    expect(error.code).toBe(400);
    expect(error.response.body).toEqual({
      errors: [expect.objectContaining({ field: "attachments.0.content_id" })],
    });
  });

  it("answers unknown paths with 404 and counts only sends", async () => {
    const client = new Client();
    client.setApiKey(sendGridTestApiKey);
    client.setDefaultRequest("baseUrl", emulator.baseUrl);
    const error = await sendExpectingError(() =>
      client.request({ method: "GET", url: "/v3/scopes" }),
    );
    expect(error.code).toBe(404);
    expect(emulator.requestCount()).toBe(0);
  });
});
