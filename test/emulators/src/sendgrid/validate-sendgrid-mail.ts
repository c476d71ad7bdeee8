import { isBase64 } from "@mailroute/core";
import type { SendGridErrorItem, SendGridMail } from "./sendgrid-mail";

// Messages follow the Mail Send errors page
// (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors); every one is a 400.
const helpBase = "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message";

/** Most recipients (to + cc + bcc, over every personalization) in one request. */
export const sendGridMaxRecipients = 1000;
/** How far ahead `send_at` may be (https://www.twilio.com/docs/sendgrid/for-developers/sending-email/scheduling-parameters). */
export const sendGridMaxScheduleAheadMs = 72 * 60 * 60 * 1000;

// Headers SendGrid sets itself and refuses in `headers` (Mail Send reference, "headers").
const reservedHeaders = new Set([
  "x-sg-id",
  "x-sg-eid",
  "received",
  "dkim-signature",
  "content-type",
  "content-transfer-encoding",
  "to",
  "from",
  "subject",
  "reply-to",
  "cc",
  "bcc",
]);

const emailPattern = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Problems {
  readonly items: SendGridErrorItem[] = [];

  add(field: string | null, message: string, anchor = field?.split(".")[0] ?? ""): void {
    this.items.push({ message, field, help: field ? `${helpBase}.${anchor}` : null });
  }
}

function checkAddress(value: unknown, field: string, problems: Problems): string | null {
  if (!isRecord(value) || typeof value.email !== "string") {
    problems.add(field, "Each email object must at least have an email address.");
    return null;
  }
  if (!emailPattern.test(value.email)) {
    problems.add(`${field}.email`, "Does not contain a valid address.");
    return null;
  }
  if (value.name !== undefined && typeof value.name !== "string") {
    problems.add(`${field}.name`, "Invalid type. Expected: string.");
  }
  return value.email.toLowerCase();
}

function checkFrom(value: unknown, problems: Problems): void {
  if (!isRecord(value) || typeof value.email !== "string") {
    problems.add(
      "from.email",
      "The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.",
      "from",
    );
  } else if (!emailPattern.test(value.email)) {
    problems.add("from.email", "The from email does not contain a valid address.", "from");
  }
}

function checkAddressList(value: unknown, field: string, problems: Problems): string[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || value.length === 0) {
    problems.add(field, `The ${field.split(".").pop()} array must have at least one email object.`);
    return [];
  }
  return value.flatMap((item, index) => checkAddress(item, `${field}.${index}`, problems) ?? []);
}

function checkStringRecord(value: unknown, field: string, problems: Problems): void {
  if (value === undefined) {
    return;
  }
  if (!isRecord(value)) {
    problems.add(field, "Invalid type. Expected: object.");
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") {
      problems.add(`${field}.${key}`, `Invalid type. Expected: string, given: ${typeof item}.`);
    }
  }
}

function checkHeaders(value: unknown, field: string, problems: Problems): void {
  checkStringRecord(value, field, problems);
  if (!isRecord(value)) {
    return;
  }
  for (const name of Object.keys(value)) {
    if (reservedHeaders.has(name.toLowerCase())) {
      problems.add(field, `The header ${name} is reserved and cannot be set.`, "headers");
    }
  }
}

function checkSendAt(value: unknown, field: string, problems: Problems, now: number): void {
  if (value === undefined) {
    return;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) {
    problems.add(field, "Invalid type. Expected: integer.", "send_at");
  } else if (value * 1000 - now > sendGridMaxScheduleAheadMs) {
    problems.add(field, "You can't schedule an email more than 72 hours in advance.", "send_at");
  }
}

function checkPersonalizations(value: unknown, problems: Problems, now: number): void {
  if (!Array.isArray(value) || value.length === 0) {
    problems.add("personalizations", "You must have at least one personalization.");
    return;
  }
  if (value.length > 1000) {
    problems.add(
      "personalizations",
      `The personalization block is limited to 1000 personalizations per API request. You have provided ${value.length} personalizations. Please consider splitting this into multiple requests and resending your request.`,
    );
  }
  let recipients = 0;
  value.forEach((personalization: unknown, index) => {
    const field = `personalizations.${index}`;
    if (!isRecord(personalization)) {
      problems.add(field, "Invalid type. Expected: object.");
      return;
    }
    if (!Array.isArray(personalization.to) || personalization.to.length === 0) {
      problems.add(
        `${field}.to`,
        "The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
        "personalizations.to",
      );
    }
    const seen = new Set<string>();
    for (const kind of ["to", "cc", "bcc"] as const) {
      for (const email of checkAddressList(personalization[kind], `${field}.${kind}`, problems)) {
        recipients += 1;
        if (seen.has(email)) {
          problems.add(
            field,
            `Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [${email}] in the ${field}.${kind} field.`,
          );
        }
        seen.add(email);
      }
    }
    checkHeaders(personalization.headers, `${field}.headers`, problems);
    checkStringRecord(personalization.custom_args, `${field}.custom_args`, problems);
    checkSendAt(personalization.send_at, `${field}.send_at`, problems, now);
  });
  if (recipients > sendGridMaxRecipients) {
    problems.add(
      "personalizations",
      `There is a limit of ${sendGridMaxRecipients} total recipients (to + cc + bcc) per request.`,
    );
  }
}

function checkContent(body: Record<string, unknown>, problems: Problems): void {
  if (body.content === undefined && typeof body.template_id === "string") {
    return;
  }
  if (!Array.isArray(body.content) || body.content.length === 0) {
    problems.add(
      "content",
      "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.",
    );
    return;
  }
  const types: unknown[] = [];
  body.content.forEach((block: unknown, index) => {
    if (!isRecord(block) || typeof block.value !== "string" || block.value.length === 0) {
      problems.add(
        `content.${index}.value`,
        "The content value must be a string at least one character in length.",
      );
      return;
    }
    types.push(block.type);
  });
  const html = types.indexOf("text/html");
  const text = types.indexOf("text/plain");
  const beforeHtml = html > 0 ? types.slice(0, html) : [];
  if (text > 0 || beforeHtml.some((type) => type !== "text/plain")) {
    problems.add("content", "If present, text/plain must be first, followed by text/html.");
  }
}

function checkAttachments(value: unknown, problems: Problems): void {
  if (value === undefined) {
    return;
  }
  if (!Array.isArray(value)) {
    problems.add("attachments", "Invalid type. Expected: array.");
    return;
  }
  value.forEach((attachment: unknown, index) => {
    const field = `attachments.${index}`;
    if (!isRecord(attachment)) {
      problems.add(field, "Invalid type. Expected: object.", "attachments");
      return;
    }
    if (typeof attachment.content !== "string" || attachment.content.length === 0) {
      problems.add(`${field}.content`, "The attachment content is required.", "attachments");
    } else if (!isBase64(attachment.content)) {
      problems.add(
        `${field}.content`,
        "The attachment content must be base64 encoded.",
        "attachments",
      );
    }
    if (typeof attachment.filename !== "string" || attachment.filename.length === 0) {
      problems.add(`${field}.filename`, "The attachment filename is required.", "attachments");
    }
    const disposition = attachment.disposition ?? "attachment";
    if (disposition !== "inline" && disposition !== "attachment") {
      problems.add(
        `${field}.disposition`,
        'The disposition of your attachment must be either "inline" or "attachment".',
        "attachments",
      );
    }
    if (disposition === "inline" && typeof attachment.content_id !== "string") {
      problems.add(
        `${field}.content_id`,
        "The content_id parameter is required when the disposition is inline.",
        "attachments",
      );
    }
  });
}

function checkCategoriesAndArguments(body: Record<string, unknown>, problems: Problems): void {
  const { categories } = body;
  if (categories !== undefined) {
    if (!Array.isArray(categories) || categories.some((item) => typeof item !== "string")) {
      problems.add("categories", "Categories must be an array of strings.");
    } else if (categories.length > 10) {
      problems.add("categories", "Too many categories: at most 10 per message.");
    } else if (categories.some((item: string) => item.length > 255)) {
      problems.add("categories", "A category cannot exceed 255 characters.");
    }
  }
  checkStringRecord(body.custom_args, "custom_args", problems);
  if (Buffer.byteLength(JSON.stringify(body.custom_args ?? {})) > 10_000) {
    problems.add("custom_args", "The custom_args field is limited to 10,000 bytes.");
  }
}

/** `tracking_settings`: each switch an object whose flags are booleans (the Mail Send reference). */
function checkTrackingSettings(value: unknown, problems: Problems): void {
  if (value === undefined) {
    return;
  }
  if (!isRecord(value)) {
    problems.add("tracking_settings", "Invalid type. Expected: object.");
    return;
  }
  const flags: Record<string, string[]> = {
    click_tracking: ["enable", "enable_text"],
    open_tracking: ["enable"],
    subscription_tracking: ["enable"],
    ganalytics: ["enable"],
  };
  for (const [name, setting] of Object.entries(value)) {
    const field = `tracking_settings.${name}`;
    if (!isRecord(setting)) {
      problems.add(field, "Invalid type. Expected: object.", "tracking_settings");
      continue;
    }
    for (const flag of flags[name] ?? []) {
      if (setting[flag] !== undefined && typeof setting[flag] !== "boolean") {
        problems.add(
          `${field}.${flag}`,
          `Invalid type. Expected: boolean, given: ${typeof setting[flag]}.`,
          "tracking_settings",
        );
      }
    }
  }
}

/** Checks a Mail Send body the way SendGrid does; returns the 400 errors, or the typed mail. */
export function validateSendGridMail(
  body: unknown,
  now: number = Date.now(),
): { errors: SendGridErrorItem[] } | { mail: SendGridMail } {
  const problems = new Problems();
  if (!isRecord(body)) {
    problems.add(null, "Bad Request");
    return { errors: problems.items };
  }
  checkPersonalizations(body.personalizations, problems, now);
  checkFrom(body.from, problems);
  if (body.reply_to !== undefined && body.reply_to_list !== undefined) {
    problems.add("reply_to", "The reply_to and reply_to_list fields are mutually exclusive.");
  }
  if (body.reply_to !== undefined) {
    checkAddress(body.reply_to, "reply_to", problems);
  }
  checkAddressList(body.reply_to_list, "reply_to_list", problems);
  const personalizations = Array.isArray(body.personalizations) ? body.personalizations : [];
  const everyHasSubject = personalizations.every(
    (item: unknown) => isRecord(item) && typeof item.subject === "string" && item.subject !== "",
  );
  const hasSubject = typeof body.subject === "string" && body.subject !== "";
  if (!hasSubject && !everyHasSubject && typeof body.template_id !== "string") {
    problems.add(
      "subject",
      "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.",
    );
  }
  checkContent(body, problems);
  checkAttachments(body.attachments, problems);
  checkHeaders(body.headers, "headers", problems);
  checkCategoriesAndArguments(body, problems);
  checkSendAt(body.send_at, "send_at", problems, now);
  checkTrackingSettings(body.tracking_settings, problems);
  if (problems.items.length > 0) {
    return { errors: problems.items };
  }
  return { mail: body as unknown as SendGridMail };
}
