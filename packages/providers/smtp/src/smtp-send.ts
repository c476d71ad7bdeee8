import { PassThrough, type Readable } from "node:stream";
import type { EmailAddress, EmailMessage, SendOptions, SendResult } from "@mailroute/core";
import type { Transporter } from "nodemailer";
import type { SendMailOptions } from "nodemailer/lib/mailer";
import type { SentMessageInfo } from "nodemailer/lib/smtp-transport";
import { mapSmtpError } from "./smtp-error";

/** A pooled or single-connection nodemailer SMTP transport. */
export type SmtpTransporter = Transporter<SentMessageInfo>;

/** How far one send got, written by the transport's stream plugin. */
export interface DeliveryProgress {
  messageWritten: boolean;
}

/** What the factory hands every send: one account's transport and its settings. */
export interface SmtpSendContext {
  provider: string;
  transporter: SmtpTransporter;
  timeoutMs: number;
  /** Progress of the sends in flight, keyed by the signal each send passes to nodemailer. */
  deliveries: WeakMap<AbortSignal, DeliveryProgress>;
}

/** Correlation headers; core refuses any custom header under the `X-Mailroute-` prefix. */
export const smtpHeaderNames = {
  messageId: "X-Mailroute-Message-Id",
  tags: "X-Mailroute-Tags",
  metadata: "X-Mailroute-Metadata",
} as const;

function toNodemailerAddress(address: EmailAddress) {
  return { name: address.name ?? "", address: address.email };
}

/** Tags travel comma-separated, so `%` and `,` inside a tag are escaped as `%25` and `%2C`. */
function encodeTags(tags: string[]): string {
  return tags
    .map((tag) => tag.replace(/[%,]/g, (character) => (character === "%" ? "%25" : "%2C")))
    .join(",");
}

function buildHeaders(message: EmailMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    // Defence in depth: a header under our prefix must never replace the correlation headers.
    if (!name.toLowerCase().startsWith("x-mailroute-")) {
      headers[name] = value;
    }
  }
  headers[smtpHeaderNames.messageId] = message.id;
  if (message.tags.length > 0) {
    headers[smtpHeaderNames.tags] = encodeTags(message.tags);
  }
  if (Object.keys(message.metadata).length > 0) {
    headers[smtpHeaderNames.metadata] = JSON.stringify(message.metadata);
  }
  return headers;
}

/** The normalized message as nodemailer's message options. */
export function toNodemailerMessage(message: EmailMessage): SendMailOptions {
  return {
    from: toNodemailerAddress(message.from),
    to: message.to.map(toNodemailerAddress),
    cc: message.cc.map(toNodemailerAddress),
    bcc: message.bcc.map(toNodemailerAddress),
    replyTo: message.replyTo.map(toNodemailerAddress),
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: message.attachments.map((attachment) => ({
      filename: attachment.filename,
      content: attachment.content,
      encoding: "base64",
      contentType: attachment.contentType,
      // A cid makes nodemailer put the part inline in multipart/related.
      ...(attachment.contentId ? { cid: attachment.contentId } : {}),
    })),
    headers: buildHeaders(message),
  };
}

/**
 * Wraps the message stream nodemailer writes after DATA, to note when all of it was read: from
 * then on the server may have the terminating dot and may have accepted the message.
 */
export function watchMessageStream(input: Readable, progress: DeliveryProgress): Readable {
  const output = new PassThrough();
  input.on("error", (error) => output.destroy(error));
  output.on("end", () => {
    progress.messageWritten = true;
  });
  return input.pipe(output);
}

function describeRejections(sent: SentMessageInfo): string {
  const replies = (sent.rejectedErrors ?? []).map(
    (error) => `rejected ${error.recipient ?? "?"}: ${error.response ?? error.message}`,
  );
  return [sent.response, ...replies].join("\n");
}

/** Sends one message over the account's transport; throws a classified ProviderError. */
export async function sendSmtpMessage(
  context: SmtpSendContext,
  message: EmailMessage,
  options: SendOptions,
): Promise<SendResult> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(context.timeoutMs)]);
  const progress: DeliveryProgress = { messageWritten: false };
  context.deliveries.set(signal, progress);
  let sent: SentMessageInfo;
  try {
    sent = await context.transporter.sendMail({ ...toNodemailerMessage(message), signal });
  } catch (error) {
    throw mapSmtpError(error, {
      provider: context.provider,
      messageWritten: progress.messageWritten,
    });
  } finally {
    context.deliveries.delete(signal);
  }
  const status = Number(sent.response.match(/^\d{3}/)?.[0]);
  return {
    providerMessageId: sent.messageId || null,
    response: {
      ...(Number.isFinite(status) ? { status } : {}),
      // Recipients refused while others were accepted: the send succeeded, but they must show.
      body: describeRejections(sent).slice(0, 2000),
    },
  };
}
