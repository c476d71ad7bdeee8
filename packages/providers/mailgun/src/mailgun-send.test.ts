import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fullMessage, providerErrorOf, tinyPng } from "@mailroute/core/testing";
import { mailgunEmulatorDefaults, startMailgunEmulator } from "@mailroute/emulators/mailgun";
import { describe, expect, it, vi } from "vitest";
import { createMailgunProvider } from "./mailgun-provider";
import { toMailgunDate, toMailgunFields, toProviderMessageId } from "./mailgun-send";

const { apiKey, domain } = mailgunEmulatorDefaults;

function providerAt(baseUrl: string, timeoutMs = 5000) {
  return createMailgunProvider({ name: "mailgun-send", apiKey, domain, baseUrl, timeoutMs });
}

function options(signal: AbortSignal = AbortSignal.timeout(10_000)) {
  return { signal, idempotencyKey: "msg_1" };
}

/** A bare HTTP server for answers the emulator never gives (redirects, odd 2xx). */
async function startRawServer(
  answer: (request: IncomingMessage, response: ServerResponse) => void,
) {
  const seen: string[] = [];
  const server = createServer(async (request, response) => {
    for await (const _chunk of request) {
      // drain the body
    }
    seen.push(`${request.method} ${request.url}`);
    answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("toMailgunFields", () => {
  it("maps every field of the message onto Mailgun's form fields", () => {
    const message = { ...fullMessage(), sendAt: "2030-10-13T18:02:00Z" };
    const fields = toMailgunFields(message, Date.parse("2030-10-12T00:00:00Z"));
    expect(fields).toMatchObject({
      from: "Sender Name <sender@example.com>",
      to: ["First To <to1@example.net>", "to2@example.net"],
      cc: ["Carbon Copy <cc@example.net>"],
      bcc: ["bcc@example.net"],
      "h:Reply-To": "Reply Desk <reply@example.com>",
      subject: "Your receipt ✓",
      text: "Thanks for your order.",
      html: '<p>Thanks for your order.</p><img src="cid:logo">',
      "h:X-Campaign": "spring",
      "h:List-Unsubscribe": "<mailto:unsub@example.com>",
      "o:tag": ["receipt"],
      "o:deliverytime": "Sun, 13 Oct 2030 18:02:00 +0000",
      "v:orderId": "o-42",
      "v:tenant": "acme",
      "v:mailroute_id": message.id,
    });
    expect(fields.attachment).toEqual([
      { filename: "receipt.txt", data: Buffer.from("receipt body"), contentType: "text/plain" },
    ]);
    // Mailgun's Content-ID is the inline part's filename, so the part is named after the cid.
    expect(fields.inline).toEqual([
      { filename: "logo", data: Buffer.from(tinyPng, "base64"), contentType: "image/png" },
    ]);
  });

  it("leaves out what the message does not use, and a sendAt already past", () => {
    const fields = toMailgunFields({
      ...fullMessage(),
      cc: [],
      bcc: [],
      replyTo: [],
      html: undefined,
      attachments: [],
      headers: {},
      tags: [],
      metadata: {},
      sendAt: "2020-01-01T00:00:00Z",
    });
    expect(Object.keys(fields).sort()).toEqual(
      ["from", "subject", "text", "to", "v:mailroute_id"].sort(),
    );
  });

  it("keeps mailroute's id when the metadata has a key of the same name", () => {
    const fields = toMailgunFields({ ...fullMessage("msg_real"), metadata: { mailroute_id: "x" } });
    expect(fields["v:mailroute_id"]).toBe("msg_real");
  });

  it("formats dates as RFC 2822 and strips the id's angle brackets", () => {
    expect(toMailgunDate("2030-01-02T03:04:05.000Z")).toBe("Wed, 02 Jan 2030 03:04:05 +0000");
    expect(toProviderMessageId("<20300101.abc@mg.example.com>")).toBe(
      "20300101.abc@mg.example.com",
    );
    expect(toProviderMessageId(undefined)).toBeNull();
  });
});

describe("sendMailgunMessage against the emulator", () => {
  it("sends every field in one request; the inline image keeps its Content-ID", async () => {
    const emulator = await startMailgunEmulator();
    try {
      const message = { ...fullMessage(), sendAt: new Date(Date.now() + 3_600_000).toISOString() };
      const result = await providerAt(emulator.baseUrl).send(message, options());
      const [entry, ...rest] = emulator.ledger();
      expect(rest).toHaveLength(0);
      expect(emulator.requestCount()).toBe(1);
      expect(result.providerMessageId).toBe(entry?.providerMessageId);
      expect(result.response?.status).toBe(200);
      expect(entry).toMatchObject({
        mailrouteId: message.id,
        from: message.from,
        to: message.to,
        cc: message.cc,
        bcc: message.bcc,
        replyTo: message.replyTo,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
        tags: message.tags,
        metadata: message.metadata,
      });
      expect(entry?.sendAt).toBe(new Date(toMailgunDate(message.sendAt)).toISOString());
      expect(entry?.attachments).toEqual([
        {
          filename: "receipt.txt",
          contentType: "text/plain",
          contentId: null,
          content: message.attachments[0]?.content,
        },
        // The one difference from the contract's expectation: the filename is the Content-ID.
        { filename: "logo", contentType: "image/png", contentId: "logo", content: tinyPng },
      ]);
    } finally {
      await emulator.close();
    }
  });

  it("sends an email header named Authorization as a form field, never as the credentials", async () => {
    const emulator = await startMailgunEmulator();
    try {
      const message = { ...fullMessage(), headers: { Authorization: "Bearer not-the-key" } };
      await providerAt(emulator.baseUrl).send(message, options());
      expect(emulator.ledger()[0]?.headers).toEqual({ Authorization: "Bearer not-the-key" });
    } finally {
      await emulator.close();
    }
  });
});

describe("sendMailgunMessage deadlines (mailgun.js takes no AbortSignal)", () => {
  it("rejects as ambiguous when the caller's signal aborts after the request was sent", async () => {
    const emulator = await startMailgunEmulator();
    try {
      emulator.fault({ kind: "hang" });
      const controller = new AbortController();
      const pending = providerErrorOf(
        providerAt(emulator.baseUrl).send(fullMessage(), options(controller.signal)),
      );
      await vi.waitFor(() => expect(emulator.requestCount()).toBe(1));
      controller.abort();
      expect(await pending).toMatchObject({ outcome: "ambiguous", reason: "timeout" });
    } finally {
      await emulator.close();
    }
  });

  it("does not call Mailgun when the signal has already aborted, and says it is retryable", async () => {
    const emulator = await startMailgunEmulator();
    try {
      const controller = new AbortController();
      controller.abort();
      const error = await providerErrorOf(
        providerAt(emulator.baseUrl).send(fullMessage(), options(controller.signal)),
      );
      expect(error).toMatchObject({ outcome: "retryable", reason: "timeout" });
      expect(emulator.requestCount()).toBe(0);
    } finally {
      await emulator.close();
    }
  });

  it("cuts a response whose body trickles in, which the SDK's axios timeout lets through", async () => {
    const emulator = await startMailgunEmulator();
    try {
      // Ten chunks 400 ms apart: never idle for the 1000 ms axios timeout, done after ~4 s.
      emulator.fault({ kind: "slowBody", ms: 4000 });
      const error = await providerErrorOf(
        providerAt(emulator.baseUrl, 1000).send(fullMessage(), options()),
      );
      expect(error).toMatchObject({ outcome: "ambiguous", reason: "timeout" });
      // Mailgun had taken the message: this is why a deadline hit is ambiguous.
      expect(emulator.ledger()).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });
});

describe("sendMailgunMessage and redirects (mailgun.js always follows them)", () => {
  const sendPath = `/v3/${domain}/messages`;

  it("fails when a 302 turns the POST into a GET the API refuses", async () => {
    const server = await startRawServer((request, response) => {
      if (request.method === "POST") {
        response.writeHead(302, { location: sendPath }).end();
      } else {
        response.writeHead(405, { "content-type": "application/json" });
        response.end(JSON.stringify({ message: "Method Not Allowed" }));
      }
    });
    try {
      const error = await providerErrorOf(
        providerAt(server.baseUrl).send(fullMessage(), options()),
      );
      expect(error).toMatchObject({ outcome: "retryable", statusCode: 405 });
      expect(server.seen).toEqual([`POST ${sendPath}`, `GET ${sendPath}`]);
    } finally {
      await server.close();
    }
  });

  it("counts a 302 to a page answering 200 as accepted without an id, keeping the body", async () => {
    const server = await startRawServer((request, response) => {
      if (request.method === "POST") {
        response.writeHead(302, { location: "/login" }).end();
      } else {
        response.writeHead(200, { "content-type": "text/html" }).end("<html>sign in</html>");
      }
    });
    try {
      const result = await providerAt(server.baseUrl).send(fullMessage(), options());
      // Indistinguishable from an odd 2xx once followed: no id, and the body for the attempt log.
      expect(result.providerMessageId).toBeNull();
      expect(result.response).toEqual({
        status: 200,
        body: JSON.stringify({ status: 200, message: "<html>sign in</html>" }),
      });
      expect(server.seen).toEqual([`POST ${sendPath}`, "GET /login"]);
    } finally {
      await server.close();
    }
  });

  it("reads the API root's answer (a base URL missing its path) as retryable", async () => {
    const server = await startRawServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" }).end("Mailgun Magnificent API");
    });
    try {
      const error = await providerErrorOf(
        providerAt(server.baseUrl).send(fullMessage(), options()),
      );
      expect(error).toMatchObject({ outcome: "retryable", reason: "provider_unavailable" });
    } finally {
      await server.close();
    }
  });
});
