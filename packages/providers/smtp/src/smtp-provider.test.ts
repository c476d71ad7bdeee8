import { createServer } from "node:net";
import {
  ConfigError,
  type EmailMessage,
  type EmailProvider,
  type ProviderError,
} from "@mailroute/core";
import { fullMessage, providerErrorOf, runProviderContract } from "@mailroute/core/testing";
import {
  type SmtpEmulator,
  type SmtpEmulatorOptions,
  startSmtpEmulator,
} from "@mailroute/emulators/smtp";
import { afterEach, describe, expect, it } from "vitest";
import { createSmtpProvider } from "./smtp-provider";
import type { SmtpSettings } from "./smtp-settings";

function hostAndPort(baseUrl: string) {
  const url = new URL(baseUrl);
  return { host: url.hostname, port: Number(url.port) };
}

const httpStatusReason =
  "SMTP has no HTTP statuses; its replies are classified in smtp-error.test.ts and below";

runProviderContract({
  name: "smtp",
  startEmulator: () => startSmtpEmulator(),
  createProvider: (baseUrl, { timeoutMs }) =>
    createSmtpProvider({ name: "smtp-contract", ...hostAndPort(baseUrl), timeoutMs }),
  skip: Object.fromEntries(
    [
      "400 as permanent",
      "401 as retryable",
      "403 as retryable",
      "422 as permanent",
      "429 as retryable",
      "500 as ambiguous",
      "502 as ambiguous",
      "503 as retryable",
      "504 as ambiguous",
    ].map((suffix) => [`classifies HTTP ${suffix}`, httpStatusReason]),
  ),
  // SMTP has no tracking: whatever the message asks, nothing about it reaches the relay.
  trackingFields: { on: {}, off: {}, opensOnly: {}, clicksOff: {}, unset: {} },
});

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function emulatorWith(options?: SmtpEmulatorOptions): Promise<SmtpEmulator> {
  const emulator = await startSmtpEmulator(options);
  cleanups.push(() => emulator.close());
  return emulator;
}

function providerFor(
  target: { host: string; port: number },
  settings: Partial<SmtpSettings> = {},
): EmailProvider {
  const provider = createSmtpProvider({
    name: "relay",
    host: target.host,
    port: target.port,
    timeoutMs: 5000,
    ...settings,
  });
  cleanups.push(async () => provider.close?.());
  return provider;
}

function sendOptions(timeoutMs = 5000) {
  return { signal: AbortSignal.timeout(timeoutMs), idempotencyKey: "msg_provider" };
}

async function sendExpectingError(
  provider: EmailProvider,
  message: EmailMessage = fullMessage(),
  options = sendOptions(),
): Promise<ProviderError> {
  return providerErrorOf(provider.send(message, options));
}

describe("createSmtpProvider", () => {
  it("throws a ConfigError naming the provider when the settings are invalid", () => {
    const create = () => createSmtpProvider({ name: "relay-eu", host: "", port: 0 });
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(/relay-eu/);
  });

  it("declares SMTP's capabilities under its configured name", () => {
    const provider = providerFor({ host: "127.0.0.1", port: 2525 });
    expect(provider).toMatchObject({ name: "relay", type: "smtp" });
    expect(provider.capabilities).toMatchObject({
      maxRecipients: 100,
      maxMessageBytes: 25 * 1024 * 1024,
      maxTags: 10,
      inlineImages: true,
      maxScheduleAheadMs: 0,
      idempotency: false,
      tracking: "none",
    });
  });
});

describe("SMTP replies from a real server", () => {
  it("accepts a partly refused message and lists the refused recipients in the response", async () => {
    const emulator = await emulatorWith();
    emulator.fault({
      kind: "recipientReplies",
      replies: { "to2@example.net": 550, "cc@example.net": 450 },
    });
    const result = await providerFor(emulator).send(fullMessage(), sendOptions());
    expect(result.providerMessageId).toBe(emulator.ledger()[0]?.providerMessageId);
    expect(result.response?.status).toBe(250);
    expect(result.response?.body).toMatch(/^250 2\.6\.0 Ok: queued as \w+$/m);
    expect(result.response?.body).toContain("rejected to2@example.net: 550 5.1.1");
    expect(result.response?.body).toContain("rejected cc@example.net: 450 4.2.1");
  });

  it("fails permanently when every recipient is refused with 5xx, naming them", async () => {
    const emulator = await emulatorWith();
    const recipients = ["to1@example.net", "to2@example.net", "cc@example.net", "bcc@example.net"];
    emulator.fault({
      kind: "recipientReplies",
      replies: Object.fromEntries(recipients.map((email) => [email, 550])),
    });
    const error = await sendExpectingError(providerFor(emulator));
    expect(error).toMatchObject({
      outcome: "permanent",
      reason: "recipient_rejected",
      providerCode: "550",
      rejectedRecipients: recipients,
    });
    expect(emulator.ledger()).toHaveLength(0);
  });

  it("fails as retryable when every recipient is deferred with 4xx", async () => {
    const emulator = await emulatorWith();
    const recipients = ["to1@example.net", "to2@example.net", "cc@example.net", "bcc@example.net"];
    emulator.fault({
      kind: "recipientReplies",
      replies: Object.fromEntries(recipients.map((email) => [email, 450])),
    });
    const error = await sendExpectingError(providerFor(emulator));
    expect(error).toMatchObject({ outcome: "retryable", reason: "recipient_rejected" });
    expect(error.providerCode).toBe("450");
  });

  it("classifies a 4xx reply to the end of DATA as retryable", async () => {
    const emulator = await emulatorWith();
    emulator.fault({ kind: "dataReply", code: 451 });
    const error = await sendExpectingError(providerFor(emulator));
    expect(error).toMatchObject({ outcome: "retryable", providerCode: "451" });
    expect(error.message).toContain("451 4.3.0 Requested action aborted");
  });

  it("classifies a 5xx reply to the end of DATA as permanent", async () => {
    const emulator = await emulatorWith();
    emulator.fault({ kind: "dataReply", code: 554, message: "Message rejected as spam" });
    const error = await sendExpectingError(providerFor(emulator));
    expect(error).toMatchObject({ outcome: "permanent", reason: "invalid_request" });
    expect(error).toMatchObject({
      providerCode: "554",
      responseBody: expect.stringContaining("spam"),
    });
  });

  it("classifies a message over the server's SIZE as permanent", async () => {
    const emulator = await emulatorWith({ maxMessageBytes: 1000 });
    const error = await sendExpectingError(providerFor(emulator));
    expect(error).toMatchObject({ outcome: "permanent", providerCode: "552" });
  });

  it("fails over on a wrong password (535) and on a missing login (530)", async () => {
    const emulator = await emulatorWith({ auth: { user: "relay", pass: "secret" } });
    const wrong = await sendExpectingError(
      providerFor(emulator, { auth: { user: "relay", pass: "wrong" } }),
    );
    expect(wrong).toMatchObject({
      outcome: "retryable",
      reason: "authentication",
      providerCode: "535",
    });
    const missing = await sendExpectingError(providerFor(emulator));
    expect(missing).toMatchObject({
      outcome: "retryable",
      reason: "authentication",
      providerCode: "530",
    });
    await providerFor(emulator, { auth: { user: "relay", pass: "secret" } }).send(
      fullMessage(),
      sendOptions(),
    );
    expect(emulator.ledger()).toHaveLength(1);
  });

  it("fails over when STARTTLS offers a certificate it cannot verify, and sends when told to trust it", async () => {
    const emulator = await emulatorWith({ starttls: true });
    const error = await sendExpectingError(providerFor(emulator));
    // smtp-server's built-in certificate is self-signed and expired; Node names the first problem.
    expect(error).toMatchObject({ outcome: "retryable", reason: "network" });
    expect(error.providerCode).toMatch(/^(CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_)/);
    const trusting = providerFor(emulator, { tls: { rejectUnauthorized: false } });
    await trusting.send(fullMessage(), sendOptions());
    expect(emulator.ledger()).toHaveLength(1);
  });
});

describe("SMTP delivery traps", () => {
  it("calls a deadline before the message was written retryable, since nothing can have been accepted", async () => {
    const emulator = await emulatorWith();
    emulator.fault({ kind: "beforeData", action: "hang" });
    const error = await sendExpectingError(providerFor(emulator), fullMessage(), sendOptions(300));
    expect(error).toMatchObject({ outcome: "retryable", reason: "timeout" });
    expect(emulator.ledger()).toHaveLength(0);
  });

  it("calls a connection reset before the message was written retryable", async () => {
    const emulator = await emulatorWith();
    emulator.fault({ kind: "beforeData", action: "reset" });
    const error = await sendExpectingError(providerFor(emulator));
    expect(error).toMatchObject({ outcome: "retryable", reason: "network" });
  });

  it("bounds a send by the settings' timeoutMs even when the caller's deadline is later", async () => {
    const emulator = await emulatorWith();
    emulator.fault({ kind: "hang" });
    const provider = providerFor(emulator, { timeoutMs: 300 });
    const error = await sendExpectingError(provider, fullMessage(), sendOptions(60_000));
    expect(error).toMatchObject({ outcome: "ambiguous", reason: "timeout" });
    expect(emulator.ledger()).toHaveLength(0);
  });

  it("fails at once on an aborted signal without opening a transaction", async () => {
    const emulator = await emulatorWith();
    const controller = new AbortController();
    controller.abort();
    const error = await sendExpectingError(providerFor(emulator), fullMessage(), {
      signal: controller.signal,
      idempotencyKey: "msg_provider",
    });
    expect(error).toMatchObject({ outcome: "retryable", reason: "timeout" });
    expect(emulator.requestCount()).toBe(0);
  });

  it("never lets nodemailer's pool reconnect and retry a send on its own", async () => {
    let connections = 0;
    // A server that accepts the TCP connection and drops it before the greeting.
    const server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const error = await sendExpectingError(providerFor({ host: "127.0.0.1", port }));
    expect(error).toMatchObject({ outcome: "retryable", reason: "network" });
    expect(connections).toBe(1);
  });

  it("keeps each account on its own transport and credentials", async () => {
    const first = await emulatorWith({ auth: { user: "first", pass: "one" } });
    const second = await emulatorWith({ auth: { user: "second", pass: "two" } });
    const firstProvider = providerFor(first, {
      name: "first",
      auth: { user: "first", pass: "one" },
    });
    const secondProvider = providerFor(second, {
      name: "second",
      auth: { user: "second", pass: "two" },
    });
    await firstProvider.send(fullMessage("msg_first00000000000000000001"), sendOptions());
    await secondProvider.send(fullMessage("msg_second0000000000000000001"), sendOptions());
    await firstProvider.send(fullMessage("msg_first00000000000000000002"), sendOptions());
    expect(first.ledger().map((entry) => entry.mailrouteId)).toEqual([
      "msg_first00000000000000000001",
      "msg_first00000000000000000002",
    ]);
    expect(second.ledger().map((entry) => entry.mailrouteId)).toEqual([
      "msg_second0000000000000000001",
    ]);
  });

  it("sends over a single connection per message when pooling is off", async () => {
    const emulator = await emulatorWith();
    const provider = providerFor(emulator, { pool: false });
    await provider.send(fullMessage("msg_nopool0000000000000000001"), sendOptions());
    await provider.send(fullMessage("msg_nopool0000000000000000002"), sendOptions());
    expect(emulator.ledger()).toHaveLength(2);
  });
});
