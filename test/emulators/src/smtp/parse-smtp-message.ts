import type { EmailAddress } from "@mailroute/core";
import type { LedgerEntry } from "@mailroute/core/testing";
import libmime from "libmime";
import { type AddressObject, type Attachment, type HeaderLines, simpleParser } from "mailparser";
import { parseJsonObject } from "../parse-json-object";

/** The SMTP envelope of one transaction: what MAIL FROM and RCPT TO named. */
export interface SmtpEnvelope {
  mailFrom: string;
  rcptTo: string[];
}

/** What an SMTP ledger entry keeps as `raw`: the envelope and the message exactly as received. */
export interface SmtpRawMessage {
  envelope: SmtpEnvelope;
  message: string;
  /** The id the server gave in its `250 … queued as <id>` reply. */
  queueId: string;
}

/** Headers that carry the message's structure or mailroute's own fields, not custom headers. */
const nonCustomHeaders = new Set([
  "from",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "sender",
  "subject",
  "date",
  "message-id",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "x-mailroute-message-id",
  "x-mailroute-tags",
  "x-mailroute-metadata",
]);

function toAddresses(field: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const addresses: EmailAddress[] = [];
  for (const object of objects) {
    // A group ("Team: a@x, b@y;") lists its members; flatten them like the top-level ones.
    for (const entry of object.value.flatMap((value) => value.group ?? [value])) {
      if (entry.address) {
        addresses.push(
          entry.name ? { email: entry.address, name: entry.name } : { email: entry.address },
        );
      }
    }
  }
  return addresses;
}

/** Custom headers by their name as written, values unfolded and RFC 2047-decoded. */
function readCustomHeaders(lines: HeaderLines): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim();
    if (nonCustomHeaders.has(key) || name in headers) {
      continue;
    }
    headers[name] = decodeHeaderValue(line.slice(colon + 1));
  }
  return headers;
}

function decodeHeaderValue(folded: string): string {
  // RFC 5322 §2.2.3: unfolding removes the CRLF and keeps the whitespace after it.
  return libmime.decodeWords(folded.replace(/\r?\n(?=[ \t])/g, "").trim());
}

function findHeader(lines: HeaderLines, key: string): string | null {
  const found = lines.find((line) => line.key === key);
  return found ? decodeHeaderValue(found.line.slice(found.line.indexOf(":") + 1)) : null;
}

/** Tags travel comma-separated, with `%` and `,` inside a tag escaped as `%25` and `%2C`. */
function parseTags(value: string | null): string[] {
  if (!value) {
    return [];
  }
  return value
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0)
    .map((tag) => tag.replace(/%(25|2C)/gi, (sequence) => (sequence === "%25" ? "%" : ",")));
}

function parseMetadata(value: string | null): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parseJsonObject(value)).map(([key, item]) => [key, String(item)]),
  );
}

function toLedgerAttachment(attachment: Attachment): LedgerEntry["attachments"][number] {
  return {
    filename: attachment.filename ?? "",
    contentType: attachment.contentType ?? null,
    contentId: attachment.cid ?? null,
    content: attachment.content.toString("base64"),
  };
}

/**
 * Reads one message the way a mailbox would and normalizes it into a ledger entry. MIME nests
 * inline parts inside multipart/related, ahead of the attachments, so the order of the original
 * list is lost; the ledger lists attachments first, then inline parts.
 */
export async function parseSmtpMessage(
  raw: Buffer,
  envelope: SmtpEnvelope,
  queueId: string,
): Promise<LedgerEntry> {
  const parsed = await simpleParser(raw, { keepCidLinks: true, skipHtmlToText: true });
  const lines = parsed.headerLines;
  const to = toAddresses(parsed.to);
  const cc = toAddresses(parsed.cc);
  const visible = new Set([...to, ...cc].map((address) => address.email.toLowerCase()));
  // Bcc never appears in the headers: it is every envelope recipient not named in To or Cc.
  const bcc = envelope.rcptTo
    .filter((address) => !visible.has(address.toLowerCase()))
    .map((address) => ({ email: address }));
  // A single-part body ends with the CRLF that terminates the message, which is not content.
  const isSinglePart = !parsed.headers.get("content-type")?.toString().startsWith("multipart/");
  const trimBody = (body: string) => (isSinglePart ? body.replace(/\n$/, "") : body);
  const attachments = parsed.attachments.map(toLedgerAttachment);
  const rawMessage: SmtpRawMessage = { envelope, message: raw.toString("utf8"), queueId };
  const entry: LedgerEntry = {
    providerMessageId: parsed.messageId ?? queueId,
    mailrouteId: findHeader(lines, "x-mailroute-message-id"),
    from: toAddresses(parsed.from)[0] ?? { email: envelope.mailFrom },
    to,
    cc,
    bcc,
    replyTo: toAddresses(parsed.replyTo),
    subject: parsed.subject ?? "",
    text: parsed.text ? trimBody(parsed.text) : null,
    html: parsed.html === false || parsed.html === undefined ? null : trimBody(parsed.html),
    attachments: [
      ...attachments.filter((attachment) => attachment.contentId === null),
      ...attachments.filter((attachment) => attachment.contentId !== null),
    ],
    headers: readCustomHeaders(lines),
    tags: parseTags(findHeader(lines, "x-mailroute-tags")),
    metadata: parseMetadata(findHeader(lines, "x-mailroute-metadata")),
    sendAt: null,
    // SMTP has no tracking: a relay sends the message as it is.
    tracking: {},
    raw: rawMessage,
  };
  return entry;
}
