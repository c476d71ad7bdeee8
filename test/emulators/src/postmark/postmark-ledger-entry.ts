import { type EmailAddress, parseAddress } from "@mailroute/core";
import type { LedgerEntry } from "@mailroute/core/testing";
import { splitAddressList } from "../split-address-list";

/** The fields of a Postmark `/email` body the emulator reads (PascalCase, as on the wire). */
export interface PostmarkEmailBody {
  From?: unknown;
  To?: unknown;
  Cc?: unknown;
  Bcc?: unknown;
  ReplyTo?: unknown;
  Subject?: unknown;
  TextBody?: unknown;
  HtmlBody?: unknown;
  Tag?: unknown;
  Metadata?: unknown;
  Headers?: unknown;
  Attachments?: unknown;
  MessageStream?: unknown;
  TrackOpens?: unknown;
  TrackLinks?: unknown;
}

/** Parses one mailbox, undoing the backslash escapes of a quoted display name; null if invalid. */
export function parseMailbox(value: string): EmailAddress | null {
  const parsed = parseAddress(value);
  if (!parsed) {
    return null;
  }
  return parsed.name === undefined
    ? { email: parsed.email }
    : { email: parsed.email, name: parsed.name.replace(/\\(["\\])/g, "$1") };
}

/** Parses a Postmark address field; null when any entry is not a valid mailbox. */
export function parseAddressField(value: unknown): EmailAddress[] | null {
  if (value === undefined || value === null || value === "") {
    return [];
  }
  if (typeof value !== "string") {
    return null;
  }
  const addresses: EmailAddress[] = [];
  for (const part of splitAddressList(value)) {
    const address = parseMailbox(part);
    if (!address) {
      return null;
    }
    addresses.push(address);
  }
  return addresses;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function readHeaders(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!Array.isArray(value)) {
    return headers;
  }
  for (const header of value as { Name?: unknown; Value?: unknown }[]) {
    if (typeof header.Name === "string") {
      headers[header.Name] = String(header.Value ?? "");
    }
  }
  return headers;
}

function readMetadata(value: unknown): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (typeof value !== "object" || value === null) {
    return metadata;
  }
  for (const [key, item] of Object.entries(value)) {
    metadata[key] = String(item);
  }
  return metadata;
}

function readAttachments(value: unknown): LedgerEntry["attachments"] {
  if (!Array.isArray(value)) {
    return [];
  }
  return (value as Record<string, unknown>[]).map((attachment) => {
    const contentId = stringOrNull(attachment.ContentID);
    return {
      filename: String(attachment.Name ?? ""),
      contentType: stringOrNull(attachment.ContentType),
      // Postmark takes the inline id as "cid:<id>" (the form the HTML references).
      contentId: contentId === null ? null : contentId.replace(/^cid:/i, ""),
      content: String(attachment.Content ?? ""),
    };
  });
}

/** Normalizes an accepted Postmark message into the shared ledger shape. */
export function toLedgerEntry(body: PostmarkEmailBody, providerMessageId: string): LedgerEntry {
  const metadata = readMetadata(body.Metadata);
  return {
    providerMessageId,
    mailrouteId: metadata.mailroute_id ?? null,
    from: parseAddressField(body.From)?.[0] ?? { email: "" },
    to: parseAddressField(body.To) ?? [],
    cc: parseAddressField(body.Cc) ?? [],
    bcc: parseAddressField(body.Bcc) ?? [],
    replyTo: parseAddressField(body.ReplyTo) ?? [],
    subject: typeof body.Subject === "string" ? body.Subject : "",
    text: stringOrNull(body.TextBody),
    html: stringOrNull(body.HtmlBody),
    attachments: readAttachments(body.Attachments),
    headers: readHeaders(body.Headers),
    tags: typeof body.Tag === "string" && body.Tag !== "" ? [body.Tag] : [],
    metadata,
    // Postmark has no scheduled sending.
    sendAt: null,
    tracking: {
      ...(body.TrackOpens !== undefined ? { TrackOpens: body.TrackOpens } : {}),
      ...(body.TrackLinks !== undefined ? { TrackLinks: body.TrackLinks } : {}),
    },
    raw: body,
  };
}
