import type { ProviderError } from "@mailroute/core";
import type { NodemailerError } from "nodemailer/lib/errors";
import { describe, expect, it } from "vitest";
import { mapSmtpError } from "./smtp-error";

/** An error shaped the way nodemailer builds them (`_formatError`). */
function smtpError(message: string, fields: Partial<NodemailerError>): NodemailerError {
  return Object.assign(new Error(message), fields);
}

function reply(command: string, response: string, code = "EENVELOPE"): NodemailerError {
  return smtpError(`${command} failed: ${response}`, {
    code,
    command,
    response,
    responseCode: Number(response.slice(0, 3)),
  });
}

function recipientReply(recipient: string, response: string): NodemailerError {
  return Object.assign(reply("RCPT TO", response), { recipient });
}

function allRecipientsRejected(...replies: NodemailerError[]): NodemailerError {
  return smtpError("Can't send mail - all recipients were rejected", {
    code: "EENVELOPE",
    command: "RCPT TO",
    response: replies[0]?.response,
    responseCode: replies[0]?.responseCode,
    rejected: replies.map((item) => item.recipient ?? ""),
    rejectedErrors: replies,
  });
}

interface Row {
  observation: string;
  error: unknown;
  messageWritten?: boolean;
  expected: Partial<
    Pick<ProviderError, "outcome" | "reason" | "providerCode" | "rejectedRecipients">
  >;
}

const socket = (originalCode: string, code = "ESOCKET") =>
  smtpError(`connect ${originalCode} 127.0.0.1:2525`, { code, originalCode, command: "CONN" });

/** One row per line of the README's classification table. */
const rows: Row[] = [
  {
    observation: "connection refused",
    error: socket("ECONNREFUSED"),
    expected: { outcome: "retryable", reason: "network", providerCode: "ECONNREFUSED" },
  },
  {
    observation: "DNS name not found",
    error: socket("ENOTFOUND", "EDNS"),
    expected: { outcome: "retryable", reason: "network", providerCode: "ENOTFOUND" },
  },
  {
    observation: "DNS temporary failure",
    error: socket("EAI_AGAIN", "EDNS"),
    expected: { outcome: "retryable", reason: "network", providerCode: "EAI_AGAIN" },
  },
  {
    observation: "host unreachable",
    error: socket("EHOSTUNREACH"),
    expected: { outcome: "retryable", reason: "network", providerCode: "EHOSTUNREACH" },
  },
  {
    observation: "network unreachable",
    error: socket("ENETUNREACH"),
    expected: { outcome: "retryable", reason: "network", providerCode: "ENETUNREACH" },
  },
  {
    observation: "connect timeout",
    error: smtpError("Connection timeout", { code: "ETIMEDOUT", timeoutType: "CONNECT_TIMEOUT" }),
    expected: { outcome: "retryable", reason: "network", providerCode: "ETIMEDOUT" },
  },
  {
    observation: "greeting timeout",
    error: smtpError("Greeting never received", {
      code: "ETIMEDOUT",
      timeoutType: "GREETING_TIMEOUT",
    }),
    expected: { outcome: "retryable", reason: "network", providerCode: "ETIMEDOUT" },
  },
  {
    observation: "TLS handshake or certificate failure",
    error: smtpError("self-signed certificate", { code: "ETLS", command: "STARTTLS" }),
    expected: { outcome: "retryable", reason: "network", providerCode: "ETLS" },
  },
  {
    observation: "certificate refused during the TLS handshake",
    error: smtpError("certificate has expired", {
      code: "ESOCKET",
      originalCode: "CERT_HAS_EXPIRED",
      command: "CONN",
    }),
    messageWritten: true,
    expected: { outcome: "retryable", reason: "network", providerCode: "CERT_HAS_EXPIRED" },
  },
  {
    observation: "greeting refused (554)",
    error: reply("CONN", "554 5.7.1 No SMTP service here", "EPROTOCOL"),
    expected: { outcome: "retryable", reason: "provider_unavailable", providerCode: "554" },
  },
  {
    observation: "login refused (535)",
    error: reply("AUTH PLAIN", "535 5.7.8 Error: authentication failed", "EAUTH"),
    expected: { outcome: "retryable", reason: "authentication", providerCode: "535" },
  },
  {
    observation: "authentication required at MAIL FROM (530)",
    error: reply("MAIL FROM", "530 5.7.0 Error: authentication Required"),
    expected: { outcome: "retryable", reason: "authentication", providerCode: "530" },
  },
  {
    observation: "sender not allowed for this account (5.7.x at MAIL FROM)",
    error: reply("MAIL FROM", "553 5.7.1 Sender address rejected: not owned by user"),
    expected: { outcome: "retryable", reason: "authentication", providerCode: "553" },
  },
  {
    observation: "sender address invalid (5xx at MAIL FROM)",
    error: reply("MAIL FROM", "553 5.1.7 Bad sender address syntax"),
    expected: { outcome: "permanent", reason: "invalid_request", providerCode: "553" },
  },
  {
    observation: "temporary failure at MAIL FROM (4xx)",
    error: reply("MAIL FROM", "451 4.3.0 Local error in processing"),
    expected: { outcome: "retryable", reason: "provider_unavailable", providerCode: "451" },
  },
  {
    observation: "server closing the session (421)",
    error: reply("CONN", "421 4.7.0 Try again later", "ECONNECTION"),
    messageWritten: true,
    expected: { outcome: "retryable", reason: "provider_unavailable", providerCode: "421" },
  },
  {
    observation: "bad sequence of commands (503)",
    error: reply("DATA", "503 5.5.1 Error: need RCPT command"),
    expected: { outcome: "retryable", reason: "provider_unavailable", providerCode: "503" },
  },
  {
    observation: "every recipient refused for good (5xx)",
    error: allRecipientsRejected(
      recipientReply("a@example.net", "550 5.1.1 User unknown"),
      recipientReply("b@example.net", "551 5.1.6 User not local"),
    ),
    expected: {
      outcome: "permanent",
      reason: "recipient_rejected",
      providerCode: "550",
      rejectedRecipients: ["a@example.net", "b@example.net"],
    },
  },
  {
    observation: "every recipient deferred (4xx)",
    error: allRecipientsRejected(
      recipientReply("a@example.net", "450 4.2.1 Mailbox busy"),
      recipientReply("b@example.net", "452 4.5.3 Too many recipients"),
    ),
    expected: {
      outcome: "retryable",
      reason: "recipient_rejected",
      providerCode: "450",
      rejectedRecipients: [],
    },
  },
  {
    observation: "every recipient refused, some only deferred (4xx and 5xx)",
    error: allRecipientsRejected(
      recipientReply("a@example.net", "450 4.2.1 Mailbox busy"),
      recipientReply("b@example.net", "550 5.1.1 User unknown"),
    ),
    expected: {
      outcome: "retryable",
      reason: "recipient_rejected",
      rejectedRecipients: ["b@example.net"],
    },
  },
  {
    observation: "temporary failure at the end of DATA (4xx)",
    error: reply("DATA", "451 4.3.0 Local error in processing", "EMESSAGE"),
    messageWritten: true,
    expected: { outcome: "retryable", reason: "provider_unavailable", providerCode: "451" },
  },
  {
    observation: "message refused at the end of DATA (5xx)",
    error: reply("DATA", "554 5.7.1 Message rejected as spam", "EMESSAGE"),
    messageWritten: true,
    expected: { outcome: "permanent", reason: "invalid_request", providerCode: "554" },
  },
  {
    observation: "message too large (552)",
    error: reply("DATA", "552 5.3.4 Message size exceeds fixed limit", "EMESSAGE"),
    messageWritten: true,
    expected: { outcome: "permanent", reason: "invalid_request", providerCode: "552" },
  },
  {
    observation: "deadline before the message was written",
    error: smtpError("Message sending aborted", { code: "EABORT", name: "AbortError" }),
    expected: { outcome: "retryable", reason: "timeout", providerCode: "EABORT" },
  },
  {
    observation: "deadline after the message was written",
    error: smtpError("Message sending aborted", { code: "EABORT", name: "AbortError" }),
    messageWritten: true,
    expected: { outcome: "ambiguous", reason: "timeout", providerCode: "EABORT" },
  },
  {
    observation: "connection reset before the message was written",
    error: socket("ECONNRESET"),
    expected: { outcome: "retryable", reason: "network", providerCode: "ECONNRESET" },
  },
  {
    observation: "connection reset after the message was written",
    error: socket("ECONNRESET"),
    messageWritten: true,
    expected: { outcome: "ambiguous", reason: "interrupted", providerCode: "ECONNRESET" },
  },
  {
    observation: "connection closed after the message was written",
    error: smtpError("Connection closed unexpectedly", { code: "ECONNECTION", command: "CONN" }),
    messageWritten: true,
    expected: { outcome: "ambiguous", reason: "interrupted", providerCode: "ECONNECTION" },
  },
  {
    observation: "socket idle timeout after the message was written",
    error: smtpError("Timeout", { code: "ETIMEDOUT", timeoutType: "SOCKET_TIMEOUT" }),
    messageWritten: true,
    expected: { outcome: "ambiguous", reason: "timeout", providerCode: "ETIMEDOUT" },
  },
  {
    observation: "timeout of an unknown kind after the message was written",
    error: smtpError("Timeout", { code: "ETIMEDOUT" }),
    messageWritten: true,
    expected: { outcome: "ambiguous", reason: "timeout", providerCode: "ETIMEDOUT" },
  },
  {
    observation: "message nodemailer cannot address (no reply)",
    error: smtpError('Invalid recipient "x"', { code: "EENVELOPE", command: "API" }),
    expected: { outcome: "permanent", reason: "invalid_request", providerCode: "EENVELOPE" },
  },
  {
    observation: "unknown error before the message was written",
    error: new TypeError("Cannot read properties of undefined"),
    expected: { outcome: "permanent", reason: "unknown" },
  },
  {
    observation: "unknown error after the message was written",
    error: new TypeError("Cannot read properties of undefined"),
    messageWritten: true,
    expected: { outcome: "ambiguous", reason: "unknown" },
  },
];

describe("mapSmtpError", () => {
  it.each(rows)("classifies $observation", ({ error, messageWritten, expected }) => {
    const mapped = mapSmtpError(error, {
      provider: "relay",
      messageWritten: messageWritten ?? false,
    });
    expect(mapped).toMatchObject({ provider: "relay", ...expected });
    expect(mapped.message.length).toBeGreaterThan(0);
    expect(mapped.cause).toBe(error);
  });

  it("keeps the server's reply text in the message and the response body", () => {
    const error = reply("DATA", "554 5.7.1 Message rejected as spam", "EMESSAGE");
    const mapped = mapSmtpError(error, { provider: "relay", messageWritten: true });
    expect(mapped.message).toContain("554 5.7.1 Message rejected as spam");
    expect(mapped.responseBody).toBe("554 5.7.1 Message rejected as spam");
  });

  it("lists every recipient's reply in the response body", () => {
    const error = allRecipientsRejected(
      recipientReply("a@example.net", "450 4.2.1 Mailbox busy"),
      recipientReply("b@example.net", "550 5.1.1 User unknown"),
    );
    const mapped = mapSmtpError(error, { provider: "relay", messageWritten: false });
    expect(mapped.responseBody).toBe(
      "a@example.net: 450 4.2.1 Mailbox busy\nb@example.net: 550 5.1.1 User unknown",
    );
  });

  it("wraps a thrown non-error value", () => {
    const mapped = mapSmtpError("boom", { provider: "relay", messageWritten: false });
    expect(mapped).toMatchObject({ outcome: "permanent", reason: "unknown", message: "boom" });
  });
});
