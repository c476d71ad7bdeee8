import {
  type EmailMessage,
  formatAddress,
  type SendOptions,
  type SendResult,
} from "@mailroute/core";
import type {
  CustomFile,
  Interfaces,
  MailgunMessageData,
  MessagesSendResult,
} from "mailgun.js/definitions";
import { mailgunDeadlineError, mapMailgunError } from "./mailgun-error";

/** The `v:` variable that carries mailroute's message id back in Mailgun's events and webhooks. */
export const mailrouteIdVariable = "v:mailroute_id";

/** The form fields of one send, as mailgun.js takes them: strings, lists of strings, files. */
export type MailgunFields = Record<string, string | string[] | CustomFile[]>;

function toFile(filename: string, content: string, contentType: string | undefined): CustomFile {
  return {
    filename,
    data: Buffer.from(content, "base64"),
    ...(contentType ? { contentType } : {}),
  };
}

/** Mailgun's RFC 2822 date (`Sun, 13 Oct 2030 18:02:00 +0000`) for `o:deliverytime`. */
export function toMailgunDate(iso: string): string {
  return new Date(iso).toUTCString().replace(/GMT$/, "+0000");
}

/**
 * Maps the unified message onto Mailgun's form fields
 * (https://documentation.mailgun.com/docs/mailgun/api-reference/openapi-final/tag/Messages/).
 * Every value is a string, a list of strings or a file: mailgun.js JSON-encodes other values and
 * warns on the console for each.
 */
export function toMailgunFields(message: EmailMessage, now: number = Date.now()): MailgunFields {
  const attachments = message.attachments.filter((attachment) => !attachment.contentId);
  const inline = message.attachments.filter((attachment) => attachment.contentId);
  const data: MailgunFields = {
    from: formatAddress(message.from),
    to: message.to.map(formatAddress),
    subject: message.subject,
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.html !== undefined ? { html: message.html } : {}),
  };
  if (message.cc.length > 0) {
    data.cc = message.cc.map(formatAddress);
  }
  if (message.bcc.length > 0) {
    data.bcc = message.bcc.map(formatAddress);
  }
  for (const [name, value] of Object.entries(message.headers)) {
    data[`h:${name}`] = value;
  }
  if (message.replyTo.length > 0) {
    data["h:Reply-To"] = message.replyTo.map(formatAddress).join(", ");
  }
  if (attachments.length > 0) {
    data.attachment = attachments.map((attachment) =>
      toFile(attachment.filename, attachment.content, attachment.contentType),
    );
  }
  if (inline.length > 0) {
    // Mailgun gives an inline part the Content-ID `<filename>` and offers no other way to set
    // one, so the part is named after the contentId that the HTML's `cid:` refers to. The
    // original filename cannot travel.
    data.inline = inline.map((attachment) =>
      toFile(
        attachment.contentId ?? attachment.filename,
        attachment.content,
        attachment.contentType,
      ),
    );
  }
  if (message.tags.length > 0) {
    data["o:tag"] = [...message.tags];
  }
  // A sendAt already past means "now": the message goes out without scheduling.
  if (message.sendAt && Date.parse(message.sendAt) > now) {
    data["o:deliverytime"] = toMailgunDate(message.sendAt);
  }
  // Each overrides the domain's tracking setting for this message; unset, the domain decides.
  if (message.tracking?.opens !== undefined) {
    data["o:tracking-opens"] = message.tracking.opens ? "yes" : "no";
  }
  if (message.tracking?.clicks !== undefined) {
    data["o:tracking-clicks"] = message.tracking.clicks ? "yes" : "no";
  }
  for (const [key, value] of Object.entries(message.metadata)) {
    data[`v:${key}`] = value;
  }
  // Last, so a metadata key of the same name cannot replace the correlation id.
  data[mailrouteIdVariable] = message.id;
  return data;
}

/** Mailgun's id without the angle brackets, as its events and webhooks spell it. */
export function toProviderMessageId(id: string | undefined): string | null {
  if (!id) {
    return null;
  }
  return id.replace(/^<(.*)>$/, "$1");
}

/** What `raceWithSignal` rejects with when the signal wins. */
const deadlineReached = Symbol("deadline reached");

/** Settles with the SDK call, or rejects when `signal` aborts first (mailgun.js takes no signal). */
function raceWithSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(deadlineReached);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** What a send needs from the provider it belongs to. */
export interface MailgunSendContext {
  /** The configured provider name, for errors. */
  name: string;
  domain: string;
  timeoutMs: number;
  client: Pick<Interfaces.IMailgunClient, "messages">;
}

/**
 * Sends one message. Resolves when Mailgun took it; throws a classified `ProviderError` otherwise.
 * A 2xx without an `id` (a redirect followed to some other page, or a proxy's answer) still counts
 * as accepted, since sending again could duplicate it: `providerMessageId` is then null and the
 * body goes to the attempt log.
 */
export async function sendMailgunMessage(
  context: MailgunSendContext,
  message: EmailMessage,
  options: SendOptions,
): Promise<SendResult> {
  const deadline = AbortSignal.any([options.signal, AbortSignal.timeout(context.timeoutMs)]);
  if (deadline.aborted) {
    throw mailgunDeadlineError(context.name, false);
  }
  let result: MessagesSendResult;
  try {
    // The SDK's type demands text, html or template; a message without either is refused by
    // Mailgun with a 400, which is what the caller should see.
    const data = toMailgunFields(message) as MailgunMessageData;
    // mailgun.js validates some input synchronously; keep such throws inside the promise.
    const call = (async () => context.client.messages.create(context.domain, data))();
    result = await raceWithSignal(call, deadline);
  } catch (error) {
    if (error === deadlineReached) {
      throw mailgunDeadlineError(context.name, true);
    }
    throw mapMailgunError(error, context.name);
  }
  return {
    providerMessageId: toProviderMessageId(result.id),
    response: { status: result.status, body: JSON.stringify(result).slice(0, 2000) },
  };
}
