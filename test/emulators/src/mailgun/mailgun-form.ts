import type { EmailAddress } from "@mailroute/core";
import { splitAddressList } from "../split-address-list";

/** One file part of a Mailgun send request (`attachment` or `inline`). */
export interface MailgunFilePart {
  field: string;
  filename: string;
  contentType: string | null;
  content: Buffer;
}

/** A Mailgun send request after multipart parsing: repeated fields keep every value, in order. */
export interface MailgunForm {
  fields: Map<string, string[]>;
  files: MailgunFilePart[];
}

/**
 * Parses a multipart/form-data (or urlencoded) body with the platform's own parser, the one
 * `Request.formData()` uses, so repeated fields and binary file parts come out as sent.
 */
export async function parseMailgunForm(
  body: Buffer,
  contentType: string | undefined,
): Promise<MailgunForm | null> {
  if (!contentType) {
    return null;
  }
  let formData: FormData;
  try {
    formData = await new Request("http://emulator/", {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    }).formData();
  } catch {
    return null;
  }
  const form: MailgunForm = { fields: new Map(), files: [] };
  for (const [name, value] of formData.entries()) {
    if (typeof value === "string") {
      form.fields.set(name, [...(form.fields.get(name) ?? []), value]);
    } else {
      form.files.push({
        field: name,
        filename: value.name,
        contentType: value.type === "" ? null : value.type,
        content: Buffer.from(await value.arrayBuffer()),
      });
    }
  }
  return form;
}

/** The first value of a field, or null when it is absent. */
export function firstField(form: MailgunForm, name: string): string | null {
  return form.fields.get(name)?.[0] ?? null;
}

const namedMailbox = /^(.*?)\s*<([^<>]+)>$/;

/** Parses one mailbox (`a@b.com`, `Name <a@b.com>`, `"Doe, J" <a@b.com>`); the name is unquoted. */
export function parseMailbox(value: string): EmailAddress {
  const named = namedMailbox.exec(value.trim());
  if (!named) {
    return { email: value.trim() };
  }
  let name = (named[1] ?? "").trim();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) {
    name = name.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  const email = (named[2] ?? "").trim();
  return name ? { email, name } : { email };
}

/** Every mailbox of a field, whether sent as repeated fields, comma-separated, or both. */
export function parseAddressField(values: string[] | undefined): EmailAddress[] {
  return (values ?? []).flatMap(splitAddressList).map(parseMailbox);
}

/**
 * The size Mailgun's 25 MB limit is measured on: the MIME message it builds, in which file parts
 * are base64 (4 bytes for every 3), not the multipart bytes on the wire.
 */
export function estimateMimeBytes(form: MailgunForm): number {
  let size = 0;
  for (const [name, values] of form.fields) {
    for (const value of values) {
      size += Buffer.byteLength(name) + Buffer.byteLength(value);
    }
  }
  for (const file of form.files) {
    size += Math.ceil(file.content.length / 3) * 4;
  }
  return size;
}
