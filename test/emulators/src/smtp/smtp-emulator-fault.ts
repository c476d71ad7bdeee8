import type { EmulatorFault } from "@mailroute/core/testing";
import type { SMTPServerError } from "smtp-server";

/**
 * The faults an SMTP emulator takes: the shared ones, read at the end of DATA (`status` becomes
 * a 451/554/550 reply, `latency` and `slowBody` delay the reply, `hang` never replies, `reset`
 * and `acceptThenReset` drop the connection), plus SMTP's own.
 */
export type SmtpEmulatorFault =
  | EmulatorFault
  /** Answer RCPT TO for these addresses (any case) with the given reply code. */
  | { kind: "recipientReplies"; replies: Record<string, number>; times?: number }
  /** Never answer RCPT TO (`hang`) or drop the connection at it (`reset`): nothing of the message is sent. */
  | { kind: "beforeData"; action: "hang" | "reset"; times?: number }
  /** Answer the end of DATA with this code (and text) after reading the message. */
  | { kind: "dataReply"; code: number; message?: string; times?: number }
  /** Stop listening, so connections are refused; lasts until the emulator is closed. */
  | { kind: "refuse" };

/** The faults a transaction takes at MAIL FROM (`refuse` acts on the listener instead). */
export type TransactionFault = Exclude<SmtpEmulatorFault, { kind: "refuse" }>;

const defaultReplyText: Record<number, string> = {
  450: "Requested mail action not taken: mailbox unavailable",
  451: "Requested action aborted: local error in processing",
  452: "Requested action not taken: insufficient system storage",
  550: "Requested action not taken: mailbox unavailable",
  552: "Requested mail action aborted: exceeded storage allocation",
  554: "Transaction failed",
};

/** An error smtp-server turns into the reply `code text` (with an enhanced code). */
export function smtpError(code: number, message?: string): SMTPServerError {
  const error: SMTPServerError = new Error(
    message ?? defaultReplyText[code] ?? "Requested action not taken",
  );
  error.responseCode = code;
  return error;
}

/** SMTP has no HTTP statuses: a status fault becomes the nearest reply to the end of DATA. */
export function replyCodeForStatus(status: number): number {
  if (status >= 400 && status < 500) {
    return 451;
  }
  return status >= 500 ? 554 : 550;
}
