import { createServer } from "node:net";
import type { ProviderError } from "@mailroute/core";
import { fullMessage, providerErrorOf } from "@mailroute/core/testing";
import { mailgunEmulatorDefaults, startMailgunEmulator } from "@mailroute/emulators/mailgun";
import { describe, expect, it } from "vitest";
import { isTransportFailure, type MailgunApiError, mapMailgunError } from "./mailgun-error";
import { createMailgunProvider } from "./mailgun-provider";

function apiError(status: number, message: string, details = ""): MailgunApiError {
  return { type: "MailgunAPIError", status, message, details };
}

async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function sendExpectingError(
  baseUrl: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ProviderError> {
  const provider = createMailgunProvider({
    name: "mailgun-table",
    apiKey: mailgunEmulatorDefaults.apiKey,
    domain: mailgunEmulatorDefaults.domain,
    baseUrl,
    timeoutMs: options.timeoutMs ?? 5000,
  });
  return providerErrorOf(
    provider.send(fullMessage(), {
      signal: options.signal ?? AbortSignal.timeout(10_000),
      idempotencyKey: "msg_1",
    }),
  );
}

/**
 * The README's classification table, row by row, each against the emulator speaking Mailgun's
 * real answer. `body` overrides the emulator's default error body for that status.
 */
const statusRows: {
  status: number;
  outcome: ProviderError["outcome"];
  reason: ProviderError["reason"];
  body?: string;
}[] = [
  { status: 400, outcome: "permanent", reason: "invalid_request" },
  { status: 401, outcome: "retryable", reason: "authentication" },
  { status: 402, outcome: "retryable", reason: "authentication" },
  { status: 403, outcome: "retryable", reason: "authentication" },
  { status: 404, outcome: "retryable", reason: "authentication" },
  { status: 405, outcome: "retryable", reason: "provider_unavailable" },
  { status: 413, outcome: "retryable", reason: "unsupported" },
  {
    status: 420,
    outcome: "retryable",
    reason: "rate_limited",
    body: JSON.stringify({
      message:
        "Domain mg.example.com is not allowed to send: recipient limit exceeded, try again after Wed, 22 Feb 2099 10:04:01 UTC",
    }),
  },
  { status: 422, outcome: "permanent", reason: "invalid_request" },
  { status: 429, outcome: "retryable", reason: "rate_limited" },
  { status: 500, outcome: "ambiguous", reason: "provider_unavailable" },
  { status: 502, outcome: "ambiguous", reason: "provider_unavailable" },
  { status: 503, outcome: "retryable", reason: "provider_unavailable" },
  { status: 504, outcome: "ambiguous", reason: "provider_unavailable" },
];

describe("mapMailgunError: HTTP answers (against the emulator)", () => {
  for (const row of statusRows) {
    it(`reads HTTP ${row.status} as ${row.outcome} ${row.reason}, keeping Mailgun's text`, async () => {
      const emulator = await startMailgunEmulator();
      try {
        emulator.fault({ kind: "status", status: row.status, body: row.body, retryAfter: "7" });
        const error = await sendExpectingError(emulator.baseUrl);
        expect(error).toMatchObject({
          provider: "mailgun-table",
          outcome: row.outcome,
          reason: row.reason,
          statusCode: row.status,
          providerCode: String(row.status),
        });
        expect(error.responseBody?.length).toBeGreaterThan(0);
        expect(error.message).toContain(String(row.status));
        if (row.status === 420) {
          expect(error.retryAfterMs).toBeGreaterThan(0);
        } else {
          // mailgun.js drops response headers, so a Retry-After never reaches the adapter.
          expect(error.retryAfterMs).toBeUndefined();
        }
        expect(emulator.ledger()).toHaveLength(0);
      } finally {
        await emulator.close();
      }
    });
  }
});

describe("mapMailgunError: transport failures", () => {
  it("reads a refused connection, which mailgun.js reports as status 400, as retryable", async () => {
    const error = await sendExpectingError(await refusedUrl());
    expect(error).toMatchObject({
      outcome: "retryable",
      reason: "network",
      providerCode: "ECONNREFUSED",
      statusCode: undefined,
    });
    expect(error.isRetryable).toBe(true);
  });

  it("reads a reset after the request was read as ambiguous", async () => {
    const emulator = await startMailgunEmulator();
    try {
      emulator.fault({ kind: "acceptThenReset" });
      const error = await sendExpectingError(emulator.baseUrl);
      expect(error).toMatchObject({
        outcome: "ambiguous",
        reason: "interrupted",
        providerCode: "ECONNRESET",
      });
      expect(emulator.ledger()).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  it("reads the SDK's own timeout (settings.timeoutMs) as an ambiguous timeout", async () => {
    const emulator = await startMailgunEmulator();
    try {
      emulator.fault({ kind: "hang" });
      const error = await sendExpectingError(emulator.baseUrl, { timeoutMs: 200 });
      expect(error).toMatchObject({ outcome: "ambiguous", reason: "timeout" });
    } finally {
      await emulator.close();
    }
  });

  // Rows that cannot be produced on loopback, fed in the shape mailgun.js throws.
  it.each([
    ["ENOTFOUND", "getaddrinfo ENOTFOUND api.mailgun.net", "retryable", "network"],
    ["EAI_AGAIN", "getaddrinfo EAI_AGAIN api.mailgun.net", "retryable", "network"],
    ["EHOSTUNREACH", "connect EHOSTUNREACH 10.0.0.1:443", "retryable", "network"],
    ["ENETUNREACH", "connect ENETUNREACH 10.0.0.1:443", "retryable", "network"],
    ["ETIMEDOUT", "connect ETIMEDOUT 10.0.0.1:443", "retryable", "network"],
    ["CERT_HAS_EXPIRED", "certificate has expired", "retryable", "network"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match", "retryable", "network"],
    [
      "ERR_FR_TOO_MANY_REDIRECTS",
      "Maximum number of redirects exceeded",
      "retryable",
      "provider_unavailable",
    ],
    ["ECONNABORTED", "timeout of 15000ms exceeded", "ambiguous", "timeout"],
    ["ETIMEDOUT", "timeout of 15000ms exceeded", "ambiguous", "timeout"],
    ["ECONNRESET", "socket hang up", "ambiguous", "interrupted"],
    ["EPIPE", "write EPIPE", "ambiguous", "interrupted"],
    ["ERR_NETWORK", "Network Error", "ambiguous", "interrupted"],
  ])("reads status 400 with code %s (%s) as %s %s", (code, details, outcome, reason) => {
    const error = mapMailgunError(apiError(400, code, details), "mailgun-table");
    expect(error).toMatchObject({ outcome, reason, providerCode: code, statusCode: undefined });
  });

  it("tells a genuine HTTP 400 from a transport failure by the message, not the status", () => {
    expect(isTransportFailure(apiError(400, "Bad Request", "'to' parameter is missing"))).toBe(
      false,
    );
    expect(isTransportFailure(apiError(400, "ECONNREFUSED", "connect ECONNREFUSED"))).toBe(true);
    expect(isTransportFailure(apiError(401, "ECONNREFUSED"))).toBe(false);
  });
});

describe("mapMailgunError: other throws", () => {
  it("reads the API root's 'Mailgun Magnificent API' (a wrong base URL) as retryable", () => {
    const error = mapMailgunError(
      apiError(400, "Incorrect url", "Mailgun Magnificent API"),
      "mailgun-table",
    );
    expect(error).toMatchObject({ outcome: "retryable", reason: "provider_unavailable" });
  });

  it("reads a throw that is not the SDK's error as permanent, since nothing was sent", () => {
    const cause = new TypeError("boom");
    const error = mapMailgunError(cause, "mailgun-table");
    expect(error).toMatchObject({ outcome: "permanent", reason: "unknown", cause });
  });
});
