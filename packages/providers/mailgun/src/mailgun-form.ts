// Mailgun's legacy webhooks post form fields, url-encoded or (when the event carries the
// message's attachments) multipart/form-data. `parse` is synchronous, so the body is read here
// rather than with the asynchronous `Response.formData()`.

/** The fields of a form post, in arrival order; a repeated name appears once per value. */
export type MailgunFormFields = ReadonlyArray<readonly [name: string, value: string]>;

const utf8 = new TextDecoder("utf-8");

function readUrlEncoded(text: string): MailgunFormFields {
  return Array.from(new URLSearchParams(text));
}

function parameterOf(header: string, name: string): string | null {
  const match = new RegExp(
    `(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`,
    "i",
  ).exec(header);
  if (!match) {
    return null;
  }
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? null);
}

/**
 * Reads the text fields of a multipart/form-data body; file parts (the attachments) are skipped.
 * Decoding the whole body as UTF-8 is safe for splitting: the delimiters and part headers are
 * ASCII, and a malformed byte in a file part never swallows the ASCII after it.
 */
function readMultipart(text: string, boundary: string): MailgunFormFields | null {
  // RFC 2046: each delimiter is CRLF "--" boundary; the first may open the body without the CRLF.
  const sections = `\r\n${text}`.split(`\r\n--${boundary}`);
  if (sections.length < 2 || !sections[sections.length - 1]?.startsWith("--")) {
    return null;
  }
  const fields: Array<readonly [string, string]> = [];
  for (const section of sections.slice(1, -1)) {
    const headerEnd = section.indexOf("\r\n\r\n");
    if (!section.startsWith("\r\n") || headerEnd < 0) {
      return null;
    }
    const headers = section.slice(2, headerEnd).split("\r\n");
    const disposition = headers.find((line) => /^content-disposition\s*:/i.test(line)) ?? "";
    const name = parameterOf(disposition, "name");
    const isFile = /;\s*filename\*?\s*=/i.test(disposition);
    if (name !== null && !isFile) {
      fields.push([name, section.slice(headerEnd + 4)]);
    }
  }
  return fields;
}

/**
 * Reads a form post by its content type; null when the body is not a form or is malformed.
 * Only these two encodings are forms; anything else is left to the JSON reader or refused.
 */
export function readMailgunForm(contentType: string, body: Uint8Array): MailgunFormFields | null {
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase();
  if (mediaType === "application/x-www-form-urlencoded") {
    return readUrlEncoded(utf8.decode(body));
  }
  if (mediaType === "multipart/form-data") {
    const boundary = parameterOf(contentType, "boundary");
    return boundary ? readMultipart(utf8.decode(body), boundary) : null;
  }
  return null;
}

/** Every value of one field, in arrival order. */
export function formValues(fields: MailgunFormFields, name: string): string[] {
  return fields.filter(([field]) => field === name).map(([, value]) => value);
}

/** The first value of a field: Mailgun's own, where a sender variable of the same name follows. */
export function firstFormValue(fields: MailgunFormFields, name: string): string | null {
  return fields.find(([field]) => field === name)?.[1] ?? null;
}

/**
 * The last value of a field. For `timestamp`, `token` and `signature` Mailgun's own value comes
 * after a sender variable of the same name, so verification reads these.
 */
export function lastFormValue(fields: MailgunFormFields, name: string): string | null {
  return formValues(fields, name).at(-1) ?? null;
}
