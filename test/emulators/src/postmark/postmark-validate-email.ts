import { type PostmarkEmailBody, parseAddressField } from "./postmark-ledger-entry";

/** Postmark's API error body: https://postmarkapp.com/developer/api/overview#error-codes */
export interface PostmarkApiError {
  ErrorCode: number;
  Message: string;
}

/** Postmark's documented limits for one message. */
export const postmarkLimits = {
  /** To + Cc + Bcc together (support article 1180). */
  maxRecipients: 50,
  /** TextBody and HtmlBody each (support article 1056). */
  maxBodyBytes: 5 * 1024 * 1024,
  /** The whole message after base64 (support article 1056); above it the API answers 413. */
  maxMessageBytes: 10 * 1024 * 1024,
  /** The whole batch request (support article 1056). */
  maxBatchBytes: 50 * 1024 * 1024,
  maxBatchMessages: 500,
  /** Custom metadata FAQ (support article 1125) and the 422 text quoted below. */
  maxMetadataFields: 10,
  maxMetadataKeyLength: 20,
  maxMetadataValueLength: 80,
} as const;

/** The texts the real API answers with, where client libraries and issue reports quote them. */
export const postmarkMessages = {
  missingToken:
    "No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.",
  invalidToken:
    "The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.",
  jsonRequired:
    "Your HTTP request does not have the Accept and Content-Type headers set to application/json.",
  invalidJson: "The JSON data you provided is syntactically incorrect.",
  incompatibleJson:
    "The JSON data you provided is syntactically correct, but still not in the right format.",
  noBody: "Provide either email TextBody or HtmlBody or both.",
  zeroRecipients: "Zero recipients specified",
  // Anymail's Postmark backend and the SDK's InactiveRecipientsError parse this exact sentence.
  inactive: (addresses: string[]) =>
    `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${addresses.join(", ")}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.`,
  partlyInactive: (addresses: string[]) =>
    `Message OK, but will not deliver to these inactive addresses: ${addresses.join(", ")}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.`,
  metadataTooLong: (key: string) =>
    `Invalid metadata content. Field names are limited to 20 characters and field values are limited to 80 characters in length. The '${key}' field in your metadata content exceeds these limits.`,
} as const;

const invalid = (Message: string): PostmarkApiError => ({ ErrorCode: 300, Message });

function validateAddresses(body: PostmarkEmailBody): PostmarkApiError | null {
  if (typeof body.From !== "string" || parseAddressField(body.From)?.length !== 1) {
    return invalid(`Invalid 'From' address: '${String(body.From ?? "")}'.`);
  }
  let count = 0;
  for (const field of ["To", "Cc", "Bcc", "ReplyTo"] as const) {
    const addresses = parseAddressField(body[field]);
    if (addresses === null) {
      return invalid(`Invalid '${field}' address: '${String(body[field])}'.`);
    }
    if (field !== "ReplyTo") {
      count += addresses.length;
    }
  }
  if (count === 0) {
    return invalid(postmarkMessages.zeroRecipients);
  }
  if (count > postmarkLimits.maxRecipients) {
    // The limit is documented (support article 1180); the wording of this message is not.
    return invalid(
      `Maximum of ${postmarkLimits.maxRecipients} recipients allowed in To, Cc and Bcc together; found ${count}.`,
    );
  }
  return null;
}

function validateMetadata(metadata: unknown): PostmarkApiError | null {
  if (metadata === undefined || metadata === null) {
    return null;
  }
  if (typeof metadata !== "object" || Array.isArray(metadata)) {
    return { ErrorCode: 403, Message: postmarkMessages.incompatibleJson };
  }
  const entries = Object.entries(metadata);
  if (entries.length > postmarkLimits.maxMetadataFields) {
    return invalid(
      `Invalid metadata content. A message may have at most ${postmarkLimits.maxMetadataFields} metadata fields.`,
    );
  }
  for (const [key, value] of entries) {
    if (
      key.length > postmarkLimits.maxMetadataKeyLength ||
      String(value).length > postmarkLimits.maxMetadataValueLength
    ) {
      return invalid(postmarkMessages.metadataTooLong(key));
    }
  }
  return null;
}

function validateContent(body: PostmarkEmailBody): PostmarkApiError | null {
  const text = typeof body.TextBody === "string" ? body.TextBody : "";
  const html = typeof body.HtmlBody === "string" ? body.HtmlBody : "";
  if (text === "" && html === "") {
    return invalid(postmarkMessages.noBody);
  }
  for (const [field, value] of [
    ["TextBody", text],
    ["HtmlBody", html],
  ] as const) {
    if (Buffer.byteLength(value) > postmarkLimits.maxBodyBytes) {
      return invalid(`The ${field} exceeds the limit of 5 MB.`);
    }
  }
  if (body.Tag !== undefined && body.Tag !== null && typeof body.Tag !== "string") {
    return { ErrorCode: 403, Message: postmarkMessages.incompatibleJson };
  }
  if (body.Attachments !== undefined && body.Attachments !== null) {
    if (!Array.isArray(body.Attachments)) {
      return { ErrorCode: 403, Message: postmarkMessages.incompatibleJson };
    }
    for (const attachment of body.Attachments as Record<string, unknown>[]) {
      if (typeof attachment?.Name !== "string" || typeof attachment.Content !== "string") {
        return invalid("Attachments must have a Name and a base64 Content.");
      }
    }
  }
  return null;
}

/** Postmark's link tracking values (the Email API reference, `TrackLinks`). */
export const postmarkLinkTracking = ["None", "HtmlAndText", "HtmlOnly", "TextOnly"] as const;

function validateTracking(body: PostmarkEmailBody): PostmarkApiError | null {
  if (body.TrackOpens !== undefined && typeof body.TrackOpens !== "boolean") {
    return { ErrorCode: 403, Message: postmarkMessages.incompatibleJson };
  }
  if (
    body.TrackLinks !== undefined &&
    !(postmarkLinkTracking as readonly unknown[]).includes(body.TrackLinks)
  ) {
    // The limit is documented; the wording of this message is not.
    return invalid(
      `Invalid 'TrackLinks' value: must be one of ${postmarkLinkTracking.join(", ")}.`,
    );
  }
  return null;
}

/** Checks one message the way `POST /email` does; null when it is acceptable. */
export function validatePostmarkEmail(body: unknown): PostmarkApiError | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ErrorCode: 403, Message: postmarkMessages.incompatibleJson };
  }
  const email = body as PostmarkEmailBody;
  return (
    validateAddresses(email) ??
    validateContent(email) ??
    validateMetadata(email.Metadata) ??
    validateTracking(email)
  );
}

/** The lowercased To/Cc/Bcc addresses of a message that passed validation. */
export function recipientAddresses(body: PostmarkEmailBody): string[] {
  return (["To", "Cc", "Bcc"] as const).flatMap((field) =>
    (parseAddressField(body[field]) ?? []).map((address) => address.email.toLowerCase()),
  );
}
