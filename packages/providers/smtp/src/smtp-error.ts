import { type FailureOutcome, ProviderError, type ProviderErrorReason } from "@mailroute/core";
import type { NodemailerError } from "nodemailer/lib/errors";

/** What the adapter knew about the attempt when it failed. */
export interface SmtpFailureContext {
  /** The configured provider name, for the error. */
  provider: string;
  /**
   * True once the whole message was handed to the socket, so the terminating `<CRLF>.<CRLF>`
   * may have reached the server. Before that the server cannot have accepted the message
   * (RFC 5321 §4.1.1.4), so any failure is a clean "not sent".
   */
  messageWritten: boolean;
}

/** Socket codes of a connection that never opened: nothing reached the server. */
const connectCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** OpenSSL and Node codes of a TLS handshake or certificate failure (nodemailer keeps them as originalCode). */
const tlsCodePattern = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

/** nodemailer's timeouts of the session set-up, before any transaction could start. */
const setupTimeouts = new Set(["CONNECT_TIMEOUT", "GREETING_TIMEOUT", "UPGRADE_TIMEOUT"]);

/** nodemailer codes for a connection lost after it opened (reset, closed, idle timeout, garbage). */
const connectionLostCodes = new Set(["ECONNECTION", "ESOCKET", "ETIMEDOUT", "EPROTOCOL"]);

/** nodemailer codes raised before anything is sent, for a message it cannot build or address. */
const messageCodes = new Set([
  "EENVELOPE",
  "EMESSAGE",
  "EMAXRECIPIENTS",
  "ESTREAM",
  "EFILEACCESS",
  "EURLACCESS",
]);

type Classification = { outcome: FailureOutcome; reason: ProviderErrorReason };

function asNodemailerError(error: unknown): NodemailerError {
  if (error instanceof Error) {
    return error as NodemailerError;
  }
  return new Error(String(error));
}

/** RFC 3463 enhanced status code at the start of the reply text (`550 5.7.1 …` gives `5.7.1`). */
function enhancedCode(response: string | undefined): string | undefined {
  return response?.match(/^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/)?.[1];
}

/** 5yz is a permanent refusal, except 503 (bad sequence), which a new session may not repeat. */
function isPermanentReply(code: number): boolean {
  return code >= 500 && code !== 503;
}

function classifyRecipients(error: NodemailerError): Classification & { rejected: string[] } {
  const replies = error.rejectedErrors ?? [];
  const rejected = replies
    .filter((reply) => reply.responseCode !== undefined && isPermanentReply(reply.responseCode))
    .map((reply) => reply.recipient ?? "")
    .filter((recipient) => recipient.length > 0);
  // Every recipient refused for good: another provider would be refused the same way.
  const isPermanent = replies.length > 0 && rejected.length === replies.length;
  return {
    outcome: isPermanent ? "permanent" : "retryable",
    reason: "recipient_rejected",
    rejected,
  };
}

function classifyReply(error: NodemailerError, code: number): Classification {
  // 421: the server is closing the session (RFC 5321 §4.2.2); whatever was in flight was refused.
  if (code === 421 || !isPermanentReply(code)) {
    return { outcome: "retryable", reason: "provider_unavailable" };
  }
  if (error.command === "MAIL FROM") {
    // 530 / x.7.x to MAIL FROM: this account may not send (login required, sender not allowed),
    // which says nothing about the message; another provider can take it.
    if (code === 530 || enhancedCode(error.response)?.startsWith("5.7.")) {
      return { outcome: "retryable", reason: "authentication" };
    }
    return { outcome: "permanent", reason: "invalid_request" };
  }
  if (error.command === "DATA") {
    return { outcome: "permanent", reason: "invalid_request" };
  }
  // A permanent reply outside a transaction (greeting, EHLO): this server will not talk to us.
  return { outcome: "retryable", reason: "provider_unavailable" };
}

function classifyConnectionLoss(error: NodemailerError, messageWritten: boolean): Classification {
  const isTimeout = error.code === "ETIMEDOUT";
  if (!messageWritten) {
    return { outcome: "retryable", reason: isTimeout ? "timeout" : "network" };
  }
  return { outcome: "ambiguous", reason: isTimeout ? "timeout" : "interrupted" };
}

function classify(error: NodemailerError, context: SmtpFailureContext): Classification {
  const code = error.code ?? "";
  if (code === "EABORT") {
    // Our deadline (or the caller's signal): the connection was dropped wherever it was.
    return { outcome: context.messageWritten ? "ambiguous" : "retryable", reason: "timeout" };
  }
  const socketCode = error.originalCode ?? "";
  if (connectCodes.has(socketCode) || code === "EDNS") {
    return { outcome: "retryable", reason: "network" };
  }
  // A refused certificate happens before any transaction; never downgrade, fail over instead.
  if (code === "ETLS" || tlsCodePattern.test(socketCode)) {
    return { outcome: "retryable", reason: "network" };
  }
  if (code === "ETIMEDOUT" && error.timeoutType && setupTimeouts.has(error.timeoutType)) {
    // Connecting, the greeting or the TLS upgrade took too long: no transaction was started.
    return { outcome: "retryable", reason: "network" };
  }
  if (code === "EAUTH" || code === "ENOAUTH" || code === "EOAUTH2") {
    return { outcome: "retryable", reason: "authentication" };
  }
  if (error.command === "RCPT TO" && error.rejectedErrors) {
    return classifyRecipients(error);
  }
  if (error.responseCode !== undefined) {
    return classifyReply(error, error.responseCode);
  }
  if (connectionLostCodes.has(code)) {
    return classifyConnectionLoss(error, context.messageWritten);
  }
  if (messageCodes.has(code) || code === "ECONFIG") {
    return { outcome: "permanent", reason: "invalid_request" };
  }
  return { outcome: context.messageWritten ? "ambiguous" : "permanent", reason: "unknown" };
}

/**
 * Turns what nodemailer threw into a ProviderError. The SMTP reply code (or, without a reply,
 * the socket code) becomes `providerCode`; the server's reply text stays in the message and in
 * `responseBody`.
 */
export function mapSmtpError(error: unknown, context: SmtpFailureContext): ProviderError {
  const smtpError = asNodemailerError(error);
  const { outcome, reason } = classify(smtpError, context);
  const rejectedRecipients =
    smtpError.command === "RCPT TO" && smtpError.rejectedErrors
      ? classifyRecipients(smtpError).rejected
      : undefined;
  const providerCode =
    smtpError.responseCode !== undefined
      ? String(smtpError.responseCode)
      : (smtpError.originalCode ?? smtpError.code);
  const recipientReplies = smtpError.rejectedErrors
    ?.map((reply) => `${reply.recipient ?? "?"}: ${reply.response ?? reply.message}`)
    .join("\n");
  return new ProviderError({
    provider: context.provider,
    outcome,
    reason,
    message: smtpError.message || "SMTP send failed",
    providerCode,
    responseBody: recipientReplies ?? smtpError.response,
    rejectedRecipients,
    cause: error,
  });
}
