import type { ProviderError, SendOptions } from "@mailroute/core";
import { fullMessage, providerErrorOf } from "@mailroute/core/testing";
import { sendGridTestApiKey, startSendGridEmulator } from "@mailroute/emulators/sendgrid";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSendGridAgents } from "./sendgrid-client";
import { type SendGridSendContext, sendWithSendGrid } from "./sendgrid-send";

type Emulator = Awaited<ReturnType<typeof startSendGridEmulator>>;

const agents = createSendGridAgents();
let emulator: Emulator;

beforeEach(async () => {
  emulator = await startSendGridEmulator();
});

afterEach(async () => {
  await emulator.close();
});

afterAll(() => {
  agents.http.destroy();
});

function context(timeoutMs = 5000): SendGridSendContext {
  return {
    settings: {
      name: "sendgrid-test",
      apiKey: sendGridTestApiKey,
      baseUrl: emulator.baseUrl,
      timeoutMs,
    },
    agents,
  };
}

function sendOptions(signal: AbortSignal = AbortSignal.timeout(5000)): SendOptions {
  return { signal, idempotencyKey: "msg_test" };
}

async function sendExpectingError(
  sendContext = context(),
  message = fullMessage(),
  options = sendOptions(),
): Promise<ProviderError> {
  return providerErrorOf(sendWithSendGrid(sendContext, message, options));
}

describe("sendWithSendGrid", () => {
  it("returns the X-Message-Id and the 202", async () => {
    const result = await sendWithSendGrid(context(), fullMessage(), sendOptions());
    expect(result).toEqual({
      providerMessageId: emulator.ledger()[0]?.providerMessageId,
      response: { status: 202 },
    });
  });

  it("accepts a 200 (sandbox mode) and says it was not queued", async () => {
    emulator.fault({ kind: "status", status: 200 });
    const result = await sendWithSendGrid(context(), fullMessage(), sendOptions());
    expect(result.providerMessageId).toBeNull();
    expect(result.response).toEqual({ status: 200, body: "sandbox mode: validated, not queued" });
  });

  // One row per class of the README table, through the emulator and the real SDK.
  it.each([
    [400, "permanent", "invalid_request"],
    [401, "retryable", "authentication"],
    [403, "retryable", "authentication"],
    [404, "retryable", "authentication"],
    [413, "retryable", "unsupported"],
    [415, "permanent", "invalid_request"],
    [429, "retryable", "rate_limited"],
    [500, "ambiguous", "provider_unavailable"],
    [502, "ambiguous", "provider_unavailable"],
    [503, "retryable", "provider_unavailable"],
    [504, "ambiguous", "provider_unavailable"],
  ] as const)("classifies HTTP %i as %s (%s)", async (status, outcome, reason) => {
    emulator.fault({ kind: "status", status });
    const error = await sendExpectingError();
    expect(error).toMatchObject({
      provider: "sendgrid-test",
      outcome,
      reason,
      statusCode: status,
      providerCode: String(status),
    });
    expect(error.responseBody).toBeTruthy();
  });

  it("reads Retry-After on a 429", async () => {
    emulator.fault({ kind: "status", status: 429, retryAfter: "7" });
    const error = await sendExpectingError();
    expect(error.retryAfterMs).toBe(7000);
    expect(error.message).toBe("SendGrid answered 429 Too Many Requests: too many requests");
  });

  it("classifies SendGrid's own validation refusal as permanent, keeping the field", async () => {
    const message = { ...fullMessage(), headers: { "X-SG-ID": "forged" } };
    const error = await sendExpectingError(context(), message);
    expect(error).toMatchObject({
      outcome: "permanent",
      reason: "invalid_request",
      statusCode: 400,
    });
    expect(error.message).toContain("(headers)");
    expect(error.responseBody).toContain("X-SG-ID");
  });

  it("classifies a wrong key as retryable: the account is broken, not the message", async () => {
    const wrongKey = context();
    wrongKey.settings.apiKey = "SG.revoked";
    const error = await sendExpectingError(wrongKey);
    expect(error).toMatchObject({
      outcome: "retryable",
      reason: "authentication",
      statusCode: 401,
    });
    expect(error.message).toContain("invalid, expired, or revoked");
  });

  it("classifies a reset before the answer as ambiguous", async () => {
    emulator.fault({ kind: "reset" });
    const error = await sendExpectingError();
    expect(error).toMatchObject({
      outcome: "ambiguous",
      reason: "network",
      providerCode: "ECONNRESET",
    });
  });

  it("stops at its own ceiling when the caller's deadline is further", async () => {
    emulator.fault({ kind: "hang" });
    const error = await sendExpectingError(context(200), fullMessage(), sendOptions());
    expect(error).toMatchObject({ outcome: "ambiguous", reason: "timeout" });
  });

  it("reports a cancellation after the request was sent as ambiguous and interrupted", async () => {
    emulator.fault({ kind: "hang" });
    const controller = new AbortController();
    emulator.server.once("request", () => setImmediate(() => controller.abort()));
    const error = await sendExpectingError(
      context(),
      fullMessage(),
      sendOptions(controller.signal),
    );
    expect(error).toMatchObject({ outcome: "ambiguous", reason: "interrupted" });
    expect(emulator.requestCount()).toBe(1);
  });

  it("sends nothing when the signal is already aborted, and says another try is safe", async () => {
    const error = await sendExpectingError(
      context(),
      fullMessage(),
      sendOptions(AbortSignal.abort()),
    );
    expect(error).toMatchObject({ outcome: "retryable", reason: "interrupted" });
    expect(emulator.requestCount()).toBe(0);
  });
});
