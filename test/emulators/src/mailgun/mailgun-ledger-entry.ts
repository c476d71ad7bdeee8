import type { LedgerEntry } from "@mailroute/core/testing";
import { parseJsonObject } from "../parse-json-object";
import { firstField, type MailgunForm, parseAddressField, parseMailbox } from "./mailgun-form";

/** The `v:` key that carries mailroute's message id. */
const mailrouteIdKey = "mailroute_id";

/**
 * Headers Mailgun reads as settings rather than copying them as they are: `h:Reply-To` feeds the
 * reply-to list, and `h:X-Mailgun-Variables` is JSON merged into the user variables
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/send-attachments).
 */
const structuredHeaders = new Set(["reply-to", "x-mailgun-variables"]);

function parseVariablesHeader(value: string | null): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parseJsonObject(value)).map(([key, item]) => [
      key,
      typeof item === "string" ? item : JSON.stringify(item),
    ]),
  );
}

function findHeader(form: MailgunForm, name: string): string | null {
  for (const [field, values] of form.fields) {
    if (field.toLowerCase() === `h:${name.toLowerCase()}`) {
      return values[0] ?? null;
    }
  }
  return null;
}

function collectPrefixed(form: MailgunForm, prefix: string): Record<string, string> {
  const collected: Record<string, string> = {};
  for (const [name, values] of form.fields) {
    if (name.startsWith(prefix) && values[0] !== undefined) {
      collected[name.slice(prefix.length)] = values[0];
    }
  }
  return collected;
}

/** What Mailgun would keep of a request's `attachment` and `inline` parts. */
function toLedgerAttachments(form: MailgunForm): LedgerEntry["attachments"] {
  return form.files
    .filter((file) => file.field === "attachment" || file.field === "inline")
    .map((file) => ({
      filename: file.filename,
      contentType: file.contentType,
      // Mailgun gives an inline part the Content-ID `<filename>`; HTML refers to it as
      // `cid:<filename>` (see the `inline` example in the send-attachments page above).
      contentId: file.field === "inline" ? file.filename : null,
      content: file.content.toString("base64"),
    }));
}

function toRaw(form: MailgunForm): Record<string, unknown[]> {
  const raw: Record<string, unknown[]> = {};
  for (const [name, values] of form.fields) {
    raw[name] = [...values];
  }
  for (const file of form.files) {
    raw[file.field] = [
      ...(raw[file.field] ?? []),
      { filename: file.filename, contentType: file.contentType, size: file.content.length },
    ];
  }
  return raw;
}

/** Normalizes an accepted Mailgun send request into the ledger's provider-neutral shape. */
export function toMailgunLedgerEntry(providerMessageId: string, form: MailgunForm): LedgerEntry {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(collectPrefixed(form, "h:"))) {
    if (!structuredHeaders.has(name.toLowerCase())) {
      headers[name] = value;
    }
  }
  const metadata: Record<string, string> = {
    ...parseVariablesHeader(findHeader(form, "X-Mailgun-Variables")),
    ...collectPrefixed(form, "v:"),
  };
  const mailrouteId = metadata[mailrouteIdKey] ?? null;
  delete metadata[mailrouteIdKey];
  const replyTo = findHeader(form, "Reply-To");
  const deliveryTime = firstField(form, "o:deliverytime");
  return {
    providerMessageId,
    mailrouteId,
    from: parseMailbox(firstField(form, "from") ?? ""),
    to: parseAddressField(form.fields.get("to")),
    cc: parseAddressField(form.fields.get("cc")),
    bcc: parseAddressField(form.fields.get("bcc")),
    replyTo: replyTo === null ? [] : parseAddressField([replyTo]),
    subject: firstField(form, "subject") ?? "",
    text: firstField(form, "text"),
    html: firstField(form, "html"),
    attachments: toLedgerAttachments(form),
    headers,
    tags: form.fields.get("o:tag") ?? [],
    metadata,
    sendAt: deliveryTime === null ? null : new Date(deliveryTime).toISOString(),
    tracking: Object.fromEntries(
      ["o:tracking", "o:tracking-opens", "o:tracking-clicks"].flatMap((field) => {
        const value = firstField(form, field);
        return value === null ? [] : [[field, value]];
      }),
    ),
    raw: toRaw(form),
  };
}
