import type { ProviderError } from "@mailroute/core";
import { fullMessage, providerErrorOf } from "@mailroute/core/testing";
import {
  type PostmarkEmulator,
  postmarkMessages,
  startPostmarkEmulator,
} from "@mailroute/emulators/postmark";
import { Errors } from "postmark";
import { afterEach, describe, expect, it } from "vitest";
import { classifyTransportCode, parseInactiveRecipients } from "./postmark-error";
import { createPostmarkProvider } from "./postmark-provider";
import type { PostmarkFetch } from "./postmark-settings";

let emulator: PostmarkEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const options = () => ({ signal: AbortSignal.timeout(5000), idempotencyKey: "msg_1" });

async function sendAgainst(fault: Parameters<PostmarkEmulator["fault"]>[0]) {
  emulator = await startPostmarkEmulator();
  emulator.fault(fault);
  const provider = createPostmarkProvider({
    name: "postmark-table",
    serverToken: emulator.serverToken,
    baseUrl: emulator.baseUrl,
  });
  return providerErrorOf(provider.send(fullMessage(), options()));
}

const apiError = (ErrorCode: number, Message = "refused") => JSON.stringify({ ErrorCode, Message });

// One row per line of the README's classification table.
const httpRows: [string, number, string | undefined, ProviderError["outcome"], string, string][] = [
  ["401, bad server token (ErrorCode 10)", 401, undefined, "retryable", "authentication", "10"],
  ["403 from the gateway", 403, undefined, "retryable", "authentication", "403"],
  ["404, wrong endpoint", 404, undefined, "retryable", "authentication", "404"],
  ["413, over 10 MB", 413, undefined, "retryable", "unsupported", "413"],
  ["422 / 300 invalid email request", 422, apiError(300), "permanent", "invalid_request", "300"],
  [
    "422 / 406 inactive recipient",
    422,
    apiError(406, postmarkMessages.inactive(["to1@example.net"])),
    "permanent",
    "recipient_suppressed",
    "406",
  ],
  [
    "422 / 400 sender signature not found",
    422,
    apiError(400),
    "retryable",
    "authentication",
    "400",
  ],
  [
    "422 / 401 sender signature not confirmed",
    422,
    apiError(401),
    "retryable",
    "authentication",
    "401",
  ],
  ["422 / 405 not allowed to send", 422, apiError(405), "retryable", "authentication", "405"],
  ["422 / 412 account pending approval", 422, apiError(412), "retryable", "authentication", "412"],
  ["422 / 413 account may not send", 422, apiError(413), "retryable", "authentication", "413"],
  ["422 / 411 forbidden attachment type", 422, apiError(411), "retryable", "unsupported", "411"],
  ["422 / 402 invalid JSON", 422, apiError(402), "permanent", "invalid_request", "402"],
  ["400 from the gateway", 400, undefined, "permanent", "invalid_request", "400"],
  ["429 rate limited", 429, undefined, "retryable", "rate_limited", "429"],
  ["500 internal error", 500, undefined, "ambiguous", "provider_unavailable", "500"],
  ["502 bad gateway", 502, undefined, "ambiguous", "provider_unavailable", "502"],
  ["503 unavailable", 503, undefined, "retryable", "provider_unavailable", "503"],
  ["504 gateway timeout", 504, undefined, "ambiguous", "provider_unavailable", "504"],
  ["302 redirect (wrong base URL)", 302, "", "retryable", "provider_unavailable", "302"],
];

describe("Postmark classification table: HTTP answers", () => {
  it.each(httpRows)("%s", async (_row, status, body, outcome, reason, providerCode) => {
    const error = await sendAgainst({
      kind: "status",
      status,
      ...(body === undefined ? {} : { body }),
    });
    expect({
      outcome: error.outcome,
      reason: error.reason,
      providerCode: error.providerCode,
      statusCode: error.statusCode,
    }).toEqual({ outcome, reason, providerCode, statusCode: status });
    expect(error.provider).toBe("postmark-table");
    expect(emulator?.ledger()).toHaveLength(0);
  });

  it("keeps Postmark's text and the raw body of an error", async () => {
    const body = apiError(300, "Invalid 'From' address: 'nope'.");
    const error = await sendAgainst({ kind: "status", status: 422, body });
    expect(error.message).toBe("Invalid 'From' address: 'nope'.");
    expect(error.responseBody).toBe(body);
  });

  it("names every recipient when a 406 does not list the inactive ones", async () => {
    const error = await sendAgainst({ kind: "status", status: 422, body: apiError(406) });
    expect(error.reason).toBe("recipient_suppressed");
    expect(error.rejectedRecipients).toEqual([
      "to1@example.net",
      "to2@example.net",
      "cc@example.net",
      "bcc@example.net",
    ]);
  });

  it("reads Retry-After, which the SDK itself does not expose", async () => {
    const error = await sendAgainst({ kind: "status", status: 429, retryAfter: "7" });
    expect(error.retryAfterMs).toBe(7000);
  });
});

describe("Postmark classification table: the emulator's own refusals", () => {
  it("reports inactive recipients as suppressed, for the suppression list", async () => {
    emulator = await startPostmarkEmulator({
      inactiveRecipients: [
        "to1@example.net",
        "to2@example.net",
        "cc@example.net",
        "bcc@example.net",
      ],
    });
    const provider = createPostmarkProvider({
      name: "postmark-table",
      serverToken: emulator.serverToken,
      baseUrl: emulator.baseUrl,
    });
    const error = await providerErrorOf(provider.send(fullMessage(), options()));
    expect(error.outcome).toBe("permanent");
    expect(error.reason).toBe("recipient_suppressed");
    expect(error.rejectedRecipients).toEqual([
      "to1@example.net",
      "to2@example.net",
      "cc@example.net",
      "bcc@example.net",
    ]);
  });

  it("classifies Postmark's recipient-limit refusal (ErrorCode 300) as permanent", async () => {
    emulator = await startPostmarkEmulator();
    const provider = createPostmarkProvider({
      name: "postmark-table",
      serverToken: emulator.serverToken,
      baseUrl: emulator.baseUrl,
    });
    const to = Array.from({ length: 51 }, (_, index) => ({ email: `r${index}@example.net` }));
    const error = await providerErrorOf(provider.send({ ...fullMessage(), to }, options()));
    expect(error.outcome).toBe("permanent");
    expect(error.providerCode).toBe("300");
  });

  it("classifies a wrong server token as retryable authentication", async () => {
    emulator = await startPostmarkEmulator();
    const provider = createPostmarkProvider({
      name: "postmark-table",
      serverToken: "not-the-token",
      baseUrl: emulator.baseUrl,
    });
    const error = await providerErrorOf(provider.send(fullMessage(), options()));
    expect(error.outcome).toBe("retryable");
    expect(error.reason).toBe("authentication");
    expect(error.providerCode).toBe("10");
  });
});

function undiciFailure(code: string): PostmarkFetch {
  return async () => {
    throw new TypeError("fetch failed", {
      cause: Object.assign(new Error(`connect ${code}`), { code }),
    });
  };
}

const transportRows: [string, ProviderError["outcome"], string][] = [
  ["ECONNREFUSED", "retryable", "network"],
  ["ENOTFOUND", "retryable", "network"],
  ["EAI_AGAIN", "retryable", "network"],
  ["EHOSTUNREACH", "retryable", "network"],
  ["ENETUNREACH", "retryable", "network"],
  ["UND_ERR_CONNECT_TIMEOUT", "retryable", "network"],
  ["CERT_HAS_EXPIRED", "retryable", "network"],
  ["ERR_TLS_CERT_ALTNAME_INVALID", "retryable", "network"],
  ["UND_ERR_SOCKET", "ambiguous", "interrupted"],
  ["ECONNRESET", "ambiguous", "interrupted"],
  ["UND_ERR_HEADERS_TIMEOUT", "ambiguous", "timeout"],
];

describe("Postmark classification table: network failures", () => {
  it.each(transportRows)("%s is %s (%s)", async (code, outcome, reason) => {
    const provider = createPostmarkProvider({
      name: "postmark-table",
      serverToken: "token",
      fetch: undiciFailure(code),
    });
    const error = await providerErrorOf(provider.send(fullMessage(), options()));
    expect({
      outcome: error.outcome,
      reason: error.reason,
      providerCode: error.providerCode,
    }).toEqual({ outcome, reason, providerCode: code });
    expect(error.message).toBe(`[${code}] fetch failed: connect ${code}`);
  });

  it("reads fetch's refusal of a bad port, before anything was sent, as retryable", async () => {
    // 6000 (X11) is on the Fetch standard's bad-port list: undici refuses it without connecting.
    const provider = createPostmarkProvider({
      name: "postmark-table",
      serverToken: "token",
      baseUrl: "http://127.0.0.1:6000",
    });
    const error = await providerErrorOf(provider.send(fullMessage(), options()));
    expect({
      outcome: error.outcome,
      reason: error.reason,
      providerCode: error.providerCode,
    }).toEqual({ outcome: "retryable", reason: "provider_unavailable", providerCode: "BAD_PORT" });
    expect(classifyTransportCode("ERR_INVALID_URL")).toEqual({
      outcome: "retryable",
      reason: "provider_unavailable",
    });
  });

  it("reads an unknown failure after the request left as ambiguous", () => {
    expect(classifyTransportCode("UNKNOWN")).toEqual({ outcome: "ambiguous", reason: "unknown" });
  });
});

describe("parseInactiveRecipients", () => {
  it("reads the current one-line wording", () => {
    expect(
      parseInactiveRecipients(postmarkMessages.inactive(["A@example.net", "b@example.net"])),
    ).toEqual(["a@example.net", "b@example.net"]);
  });

  it("reads the older multi-line wording the SDK's pattern misses", () => {
    const message =
      "You tried to send to a recipient that has been marked as inactive.\nFound inactive addresses: gone@example.net.\nInactive recipients are ones that have generated a hard bounce or a spam complaint. ";
    expect(new Errors.InactiveRecipientsError(message, 406, 422).recipients).toEqual([]);
    expect(parseInactiveRecipients(message)).toEqual(["gone@example.net"]);
  });
});
