import { ProviderError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import type { SendGridProgress } from "./sendgrid-client";
import { mapSendGridError } from "./sendgrid-error";

// The shapes @sendgrid/client 8.1.6 throws (provider-sdks notes §1.4), built by hand so each row
// of the classification table is exercised on its own.
function responseError(status: number, statusText: string, body: unknown, headers = {}) {
  return Object.assign(new Error(statusText), { code: status, response: { headers, body } });
}

function axiosError(code: string, message: string, response?: Record<string, unknown>) {
  return Object.assign(new Error(message), { isAxiosError: true, code, response });
}

const canceled = Object.assign(new Error("canceled"), {
  name: "CanceledError",
  code: "ERR_CANCELED",
});
const timeoutReason = new DOMException("The operation was aborted due to timeout", "TimeoutError");
const abortReason = new DOMException("This operation was aborted", "AbortError");
const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const notConnected: SendGridProgress = { connected: false };
const connected: SendGridProgress = { connected: true };
const validationBody = {
  errors: [
    {
      message: "The from email does not contain a valid address.",
      field: "from.email",
      help: "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message.from",
    },
  ],
};

interface Row {
  case: string;
  error: unknown;
  progress?: SendGridProgress;
  abortReason?: unknown;
  expected: Partial<ProviderError>;
}

const rows: Row[] = [
  {
    case: "connection refused",
    error: axiosError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"),
    expected: { outcome: "retryable", reason: "network", providerCode: "ECONNREFUSED" },
  },
  {
    case: "DNS name not found",
    error: axiosError("ENOTFOUND", "getaddrinfo ENOTFOUND api.sendgrid.invalid"),
    expected: { outcome: "retryable", reason: "network", providerCode: "ENOTFOUND" },
  },
  {
    case: "DNS temporary failure",
    error: axiosError("EAI_AGAIN", "getaddrinfo EAI_AGAIN api.sendgrid.com"),
    expected: { outcome: "retryable", reason: "network", providerCode: "EAI_AGAIN" },
  },
  {
    case: "host unreachable",
    error: axiosError("EHOSTUNREACH", "connect EHOSTUNREACH"),
    expected: { outcome: "retryable", reason: "network", providerCode: "EHOSTUNREACH" },
  },
  {
    case: "network unreachable",
    error: axiosError("ENETUNREACH", "connect ENETUNREACH"),
    expected: { outcome: "retryable", reason: "network", providerCode: "ENETUNREACH" },
  },
  {
    case: "TLS certificate refused",
    error: axiosError("CERT_HAS_EXPIRED", "certificate has expired"),
    expected: { outcome: "retryable", reason: "network", providerCode: "CERT_HAS_EXPIRED" },
  },
  {
    case: "deadline before the connection was made (connect timeout)",
    error: canceled,
    abortReason: timeoutReason,
    expected: { outcome: "retryable", reason: "network", providerCode: "ETIMEDOUT" },
  },
  {
    case: "cancelled before the connection was made",
    error: canceled,
    abortReason,
    expected: { outcome: "retryable", reason: "interrupted" },
  },
  {
    case: "deadline after the request was written",
    error: canceled,
    progress: connected,
    abortReason: timeoutReason,
    expected: { outcome: "ambiguous", reason: "timeout", providerCode: "ERR_CANCELED" },
  },
  {
    case: "cancelled after the request was written",
    error: canceled,
    progress: connected,
    abortReason,
    expected: { outcome: "ambiguous", reason: "interrupted" },
  },
  {
    case: "reset after the request was written",
    error: axiosError("ECONNRESET", "socket hang up"),
    progress: connected,
    expected: { outcome: "ambiguous", reason: "network", providerCode: "ECONNRESET" },
  },
  {
    case: "socket timeout after the request was written",
    error: axiosError("ETIMEDOUT", "timeout of 800ms exceeded"),
    progress: connected,
    expected: { outcome: "ambiguous", reason: "timeout", providerCode: "ETIMEDOUT" },
  },
  {
    case: "400 validation",
    error: responseError(400, "Bad Request", validationBody),
    expected: { outcome: "permanent", reason: "invalid_request", statusCode: 400 },
  },
  {
    case: "401 bad key",
    error: responseError(401, "Unauthorized", {
      errors: [{ message: "The provided authorization grant is invalid, expired, or revoked" }],
    }),
    expected: { outcome: "retryable", reason: "authentication", statusCode: 401 },
  },
  {
    case: "401 credits exhausted",
    error: responseError(401, "Unauthorized", {
      errors: [{ field: null, message: "Maximum credits exceeded" }],
    }),
    expected: { outcome: "retryable", reason: "authentication", statusCode: 401 },
  },
  {
    case: "403 sender identity not verified",
    error: responseError(403, "Forbidden", { errors: [{ message: "access forbidden" }] }),
    expected: { outcome: "retryable", reason: "authentication", statusCode: 403 },
  },
  {
    case: "404 wrong base URL",
    error: responseError(404, "Not Found", { errors: [{ message: "not found" }] }),
    expected: { outcome: "retryable", reason: "authentication", statusCode: 404 },
  },
  {
    case: "413 over 30 MB",
    error: responseError(413, "Payload Too Large", "<html>413</html>"),
    expected: { outcome: "retryable", reason: "unsupported", statusCode: 413 },
  },
  {
    case: "415 not JSON",
    error: responseError(415, "Unsupported Media Type", { errors: [{ message: "bad type" }] }),
    expected: { outcome: "permanent", reason: "invalid_request", statusCode: 415 },
  },
  {
    case: "422 unprocessable",
    error: responseError(422, "Unprocessable Entity", { errors: [{ message: "no" }] }),
    expected: { outcome: "permanent", reason: "invalid_request", statusCode: 422 },
  },
  {
    case: "429 with Retry-After",
    error: responseError(429, "Too Many Requests", {}, { "retry-after": "7" }),
    expected: { outcome: "retryable", reason: "rate_limited", retryAfterMs: 7000 },
  },
  {
    case: "429 with X-RateLimit-Reset only",
    error: responseError(
      429,
      "Too Many Requests",
      { errors: [{ field: null, message: "too many requests" }] },
      {
        "x-ratelimit-limit": "600",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": `${now / 1000 + 30}`,
      },
    ),
    expected: { outcome: "retryable", reason: "rate_limited", retryAfterMs: 30_000 },
  },
  {
    case: "500",
    error: responseError(500, "Internal Server Error", { errors: [{ message: "internal error" }] }),
    expected: { outcome: "ambiguous", reason: "provider_unavailable", statusCode: 500 },
  },
  {
    case: "502 with an HTML body",
    error: responseError(502, "Bad Gateway", "<html>502 Bad Gateway</html>"),
    expected: {
      outcome: "ambiguous",
      reason: "provider_unavailable",
      responseBody: "<html>502 Bad Gateway</html>",
    },
  },
  {
    case: "503",
    error: responseError(503, "Service Unavailable", "unavailable", { "retry-after": "2" }),
    expected: { outcome: "retryable", reason: "provider_unavailable", retryAfterMs: 2000 },
  },
  {
    case: "504",
    error: responseError(504, "Gateway Timeout", ""),
    expected: { outcome: "ambiguous", reason: "provider_unavailable", statusCode: 504 },
  },
  {
    case: "302 with redirects off",
    error: axiosError("ERR_BAD_RESPONSE", "Request failed with status code 302", {
      status: 302,
      statusText: "Found",
      headers: { location: "https://example.com/" },
      data: "",
    }),
    progress: connected,
    expected: { outcome: "retryable", reason: "provider_unavailable", statusCode: 302 },
  },
  {
    case: "500 head, then the body was cut off",
    error: axiosError("ECONNRESET", "aborted"),
    progress: { connected: true, response: { status: 500, headers: {} } },
    expected: { outcome: "ambiguous", statusCode: 500 },
  },
  {
    case: "429 head, then the deadline",
    error: canceled,
    progress: { connected: true, response: { status: 429, headers: { "retry-after": "1" } } },
    abortReason: timeoutReason,
    expected: { outcome: "retryable", reason: "rate_limited", retryAfterMs: 1000 },
  },
  {
    case: "error thrown before any request (mapping bug)",
    error: new Error("Integer expected for `sendAt`"),
    expected: { outcome: "permanent", reason: "unknown" },
  },
];

describe("mapSendGridError", () => {
  it.each(rows)("classifies $case", (row) => {
    const error = mapSendGridError(row.error, {
      provider: "sendgrid-test",
      progress: row.progress ?? notConnected,
      abortReason: row.abortReason,
      now,
    });
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: "sendgrid-test", ...row.expected });
    expect(error.cause).toBe(row.error);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it("keeps SendGrid's error text and field in the message and the body", () => {
    const error = mapSendGridError(responseError(400, "Bad Request", validationBody), {
      provider: "sendgrid-test",
      progress: connected,
    });
    expect(error.message).toBe(
      "SendGrid answered 400 Bad Request: The from email does not contain a valid address. (from.email)",
    );
    expect(error.providerCode).toBe("400");
    expect(JSON.parse(error.responseBody ?? "")).toEqual(validationBody);
    expect(error.rejectedRecipients).toEqual([]);
  });

  it("reads a JSON error body that arrived as a string", () => {
    const error = mapSendGridError(
      responseError(400, "Bad Request", JSON.stringify(validationBody)),
      { provider: "sendgrid-test", progress: connected },
    );
    expect(error.message).toContain("(from.email)");
  });

  it("names the redirect target so a wrong baseUrl is easy to spot", () => {
    const error = mapSendGridError(
      axiosError("ERR_BAD_RESPONSE", "Request failed with status code 301", {
        status: 301,
        headers: { location: "https://api.sendgrid.com/v3/mail/send" },
      }),
      { provider: "sendgrid-test", progress: connected },
    );
    expect(error.message).toContain("https://api.sendgrid.com/v3/mail/send");
  });

  it("returns a ProviderError it is given unchanged", () => {
    const original = new ProviderError({
      provider: "sendgrid-test",
      outcome: "permanent",
      reason: "unsupported",
      message: "no",
    });
    expect(mapSendGridError(original, { provider: "x", progress: notConnected })).toBe(original);
  });
});
