import { createHash } from "node:crypto";
import type { EmulatorControl } from "@mailroute/core/testing";
import { mailgunEmulatorDefaults, startMailgunEmulator } from "@mailroute/emulators/mailgun";
import { defaultPostmarkServerToken, startPostmarkEmulator } from "@mailroute/emulators/postmark";
import { sendGridTestApiKey, startSendGridEmulator } from "@mailroute/emulators/sendgrid";
import { type SmtpEmulator, startSmtpEmulator } from "@mailroute/emulators/smtp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, waitUntil } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "e2e-admin-key-0123456789";
const png =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const receipt = Buffer.from("Order o-42: 1 × coffee, 3.20 EUR").toString("base64");

const providerNames = ["sendgrid", "mailgun", "postmark", "smtp"] as const;

/** What each provider must receive, in its own fields, for `tracking: {opens: true, clicks: false}`. */
const trackingFields: Record<(typeof providerNames)[number], Record<string, unknown>> = {
  sendgrid: {
    tracking_settings: {
      open_tracking: { enable: true },
      click_tracking: { enable: false, enable_text: false },
    },
  },
  mailgun: { "o:tracking-opens": "yes", "o:tracking-clicks": "no" },
  postmark: { TrackOpens: true, TrackLinks: "None" },
  // SMTP has no tracking to switch: nothing reaches the relay, the flags stay on the message.
  smtp: {},
};

function body(via: string) {
  return {
    from: "Acme Billing <billing@acme.test>",
    to: ["First To <to1@example.net>", "to2@example.net"],
    cc: "Carbon Copy <cc@example.net>",
    bcc: "bcc@example.net",
    replyTo: "Reply Desk <reply@acme.test>",
    subject: `Your receipt via ${via}`,
    text: "Thanks for your order.",
    html: '<p>Thanks for your order.</p><img src="cid:logo">',
    attachments: [
      { filename: "receipt.txt", content: receipt, contentType: "text/plain" },
      { filename: "logo.png", content: png, contentType: "image/png", contentId: "logo" },
    ],
    headers: { "X-Campaign": "spring" },
    tags: ["receipt"],
    metadata: { orderId: "o-42", via },
    tracking: { opens: true, clicks: false },
  };
}

describe("one message through each provider, via mailroute's API", () => {
  const emulators = {} as Record<(typeof providerNames)[number], EmulatorControl>;
  let server: ServerProcess | undefined;
  const api = createApiClient(() => server?.url ?? "", apiKey);

  beforeAll(async () => {
    emulators.sendgrid = await startSendGridEmulator();
    emulators.mailgun = await startMailgunEmulator();
    emulators.postmark = await startPostmarkEmulator();
    const smtp: SmtpEmulator = await startSmtpEmulator();
    emulators.smtp = smtp;
    const config = {
      providers: [
        {
          name: "sendgrid",
          type: "sendgrid",
          apiKey: "env:TEST_SENDGRID_KEY",
          baseUrl: emulators.sendgrid.baseUrl,
        },
        {
          name: "mailgun",
          type: "mailgun",
          apiKey: mailgunEmulatorDefaults.apiKey,
          domain: mailgunEmulatorDefaults.domain,
          baseUrl: emulators.mailgun.baseUrl,
        },
        {
          name: "postmark",
          type: "postmark",
          serverToken: defaultPostmarkServerToken,
          baseUrl: emulators.postmark.baseUrl,
        },
        { name: "smtp", type: "smtp", host: smtp.host, port: smtp.port, secure: false },
      ],
      routes: providerNames.map((name) => ({
        name,
        match: { metadata: { via: name } },
        providers: [name],
      })),
    };
    server = await startServer(
      serverEnvironment({
        prefix: "providers",
        config,
        apiKey,
        extra: { TEST_SENDGRID_KEY: sendGridTestApiKey },
      }),
    );
  });

  afterAll(async () => {
    await server?.stop();
    await Promise.all(Object.values(emulators).map((emulator) => emulator.close()));
  });

  for (const via of providerNames) {
    it(`carries every field through ${via} in exactly one request`, async () => {
      const answer = await api.send(body(via));
      expect(answer.status).toBe(202);
      let message:
        | {
            status: string;
            provider: string;
            providerMessageId: string;
            attempts: unknown[];
            tracking?: unknown;
          }
        | undefined;
      await waitUntil(async () => {
        message = await api.get(`/v1/messages/${answer.id}`);
        return message?.status !== "queued" && message?.status !== "sending";
      }, 15_000);
      expect(message).toMatchObject({ status: "sent", provider: via });
      expect(message?.attempts).toHaveLength(1);
      expect(message?.tracking).toEqual({ opens: true, clicks: false });

      const ledger = emulators[via].ledger();
      expect(ledger).toHaveLength(1);
      const entry = ledger[0]!;
      expect(entry.mailrouteId).toBe(answer.id);
      expect(entry.providerMessageId).toBe(message?.providerMessageId);
      expect(entry.from).toEqual({ email: "billing@acme.test", name: "Acme Billing" });
      expect(entry.to).toEqual([
        { email: "to1@example.net", name: "First To" },
        { email: "to2@example.net" },
      ]);
      expect(entry.cc).toEqual([{ email: "cc@example.net", name: "Carbon Copy" }]);
      expect(entry.bcc).toEqual([{ email: "bcc@example.net" }]);
      expect(entry.replyTo).toEqual([{ email: "reply@acme.test", name: "Reply Desk" }]);
      expect(entry.subject).toBe(`Your receipt via ${via}`);
      expect(entry.text).toBe("Thanks for your order.");
      expect(entry.html).toBe('<p>Thanks for your order.</p><img src="cid:logo">');
      expect(entry.attachments).toEqual([
        { filename: "receipt.txt", contentType: "text/plain", contentId: null, content: receipt },
        {
          filename: via === "mailgun" ? "logo" : "logo.png",
          contentType: "image/png",
          contentId: "logo",
          content: png,
        },
      ]);
      expect(entry.headers).toMatchObject({ "X-Campaign": "spring" });
      expect(entry.tags).toEqual(["receipt"]);
      expect(entry.metadata).toMatchObject({ orderId: "o-42", via });
      expect(entry.tracking).toEqual(trackingFields[via]);
      for (const other of providerNames.filter((name) => name !== via)) {
        expect(emulators[other].ledger().some((item) => item.mailrouteId === answer.id)).toBe(
          false,
        );
      }
    });
  }

  it("sends no tracking field through any provider when the message leaves tracking to the account", async () => {
    const ids = new Map<string, string>();
    for (const via of providerNames) {
      const { tracking: _left, ...untracked } = body(via);
      const answer = await api.send({ ...untracked, subject: `Untracked via ${via}` });
      expect(answer.status).toBe(202);
      ids.set(via, answer.id as string);
    }
    for (const via of providerNames) {
      const id = ids.get(via);
      await waitUntil(
        async () => (await api.get<{ status: string }>(`/v1/messages/${id}`)).status === "sent",
        15_000,
      );
      const entry = emulators[via].ledger().find((item) => item.mailrouteId === id);
      expect(entry?.subject, via).toBe(`Untracked via ${via}`);
      expect(entry?.tracking, via).toEqual({});
    }
  });

  it("simulates and sends a 7 MB attachment, byte for byte (9.8 MB of base64 in a 10 MB body)", async () => {
    const bytes = Buffer.alloc(7 * 1024 * 1024);
    for (let index = 0; index < bytes.length; index += 1) {
      bytes[index] = (index * 31 + (index >> 8)) & 0xff;
    }
    const content = bytes.toString("base64");
    const big = {
      ...body("sendgrid"),
      subject: "A large report",
      attachments: [{ filename: "report.bin", content, contentType: "application/octet-stream" }],
    };
    const simulated = await fetch(`${server?.url}/v1/routes/simulate`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(big),
    });
    expect(simulated.status).toBe(200);
    expect(await simulated.json()).toMatchObject({ route: "sendgrid", plan: ["sendgrid"] });

    const answer = await api.send(big);
    expect(answer.status).toBe(202);
    await waitUntil(
      async () =>
        (await api.get<{ status: string }>(`/v1/messages/${answer.id}`)).status === "sent",
      15_000,
    );
    const entry = emulators.sendgrid.ledger().find((item) => item.mailrouteId === answer.id);
    const sent = entry?.attachments[0]?.content ?? "";
    const digest = (value: Buffer) => createHash("sha256").update(value).digest("hex");
    expect(digest(Buffer.from(sent, "base64"))).toBe(digest(bytes));
  });
});
