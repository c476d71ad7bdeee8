import { parseJsonBody, WebhookPayloadError, type WebhookRequest } from "@mailroute/core";
import { z } from "zod";
import {
  firstFormValue,
  lastFormValue,
  type MailgunFormFields,
  readMailgunForm,
} from "./mailgun-form";

const unixSecondsSchema = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d{1,12}$/, "must be Unix seconds"));

/** The `signature` block of a JSON webhook: what Mailgun signs, and the signature. */
export const mailgunSignatureSchema = z.object({
  timestamp: unixSecondsSchema,
  token: z.string().min(1),
  signature: z.string(),
});

/** The signed fields of one webhook request, whichever format carried them. */
export type MailgunSignature = z.output<typeof mailgunSignatureSchema>;

/**
 * A JSON webhook (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/): only
 * what every event has is checked; the mapping reads the rest leniently.
 */
export const mailgunJsonBodySchema = z.looseObject({
  signature: mailgunSignatureSchema,
  // Every event is named; an empty name is no event at all.
  "event-data": z.looseObject({ event: z.string().min(1) }),
});

/** A JSON webhook body, as checked. */
export type MailgunJsonBody = z.output<typeof mailgunJsonBodySchema>;

/** What `parse` hands to `toEvents`: a JSON webhook, or the fields of a legacy form post. */
export type MailgunPayload =
  | { format: "json"; body: MailgunJsonBody }
  | { format: "form"; fields: MailgunFormFields };

const formFieldsSchema = z.array(z.tuple([z.string(), z.string()]));

const mailgunPayloadSchema = z.discriminatedUnion("format", [
  z.object({ format: z.literal("json"), body: mailgunJsonBodySchema }),
  z.object({ format: z.literal("form"), fields: formFieldsSchema }),
]);

function contentTypeOf(request: WebhookRequest): string {
  return request.headers["content-type"] ?? "";
}

function isJson(contentType: string): boolean {
  return contentType.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/**
 * A legacy post must be a signed tracking event: a named `event` (inbound routes post none) with
 * its timestamp, token and signature.
 */
function checkForm(fields: MailgunFormFields): MailgunPayload {
  if (!firstFormValue(fields, "event")) {
    throw new WebhookPayloadError("Mailgun form post has no event field (an inbound route?)");
  }
  if (!unixSecondsSchema.safeParse(lastFormValue(fields, "timestamp")).success) {
    throw new WebhookPayloadError("Mailgun form post has no timestamp in Unix seconds");
  }
  if (!lastFormValue(fields, "token") || !lastFormValue(fields, "signature")) {
    throw new WebhookPayloadError("Mailgun form post has no token and signature");
  }
  return { format: "form", fields };
}

function checkJson(value: unknown): MailgunPayload {
  const result = mailgunJsonBodySchema.safeParse(value);
  if (!result.success) {
    throw new WebhookPayloadError(`not a Mailgun webhook body: ${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  return { format: "json", body: result.data };
}

/** Reads a webhook request's body; throws `WebhookPayloadError` when it is not Mailgun's. */
export function decodeMailgunPayload(request: WebhookRequest): MailgunPayload {
  const contentType = contentTypeOf(request);
  if (isJson(contentType)) {
    return checkJson(parseJsonBody(request.rawBody, "Mailgun"));
  }
  const fields = readMailgunForm(contentType, request.rawBody);
  if (fields === null) {
    throw new WebhookPayloadError(`Mailgun webhook body of type "${contentType}" is not readable`);
  }
  return checkForm(fields);
}

/** Checks a payload handed back to `toEvents`; throws `WebhookPayloadError`. */
export function readMailgunPayload(value: unknown): MailgunPayload {
  const result = mailgunPayloadSchema.safeParse(value);
  if (!result.success) {
    throw new WebhookPayloadError("not a payload from the Mailgun webhook's parse", {
      cause: result.error,
    });
  }
  return result.data.format === "json" ? result.data : checkForm(result.data.fields);
}

/**
 * The signed fields, read from the raw body before anything else is parsed: the JSON
 * `signature` block, or the last `timestamp`, `token` and `signature` of a form post. Null when
 * the body carries none.
 */
export function readMailgunSignature(request: WebhookRequest): MailgunSignature | null {
  const contentType = contentTypeOf(request);
  let candidate: unknown = null;
  if (isJson(contentType)) {
    try {
      candidate = (parseJsonBody(request.rawBody, "Mailgun") as { signature?: unknown } | null)
        ?.signature;
    } catch {
      // A body that is not JSON carries no signature block; verify refuses it as unsigned.
      return null;
    }
  } else {
    const fields = readMailgunForm(contentType, request.rawBody);
    candidate = fields && {
      timestamp: lastFormValue(fields, "timestamp"),
      token: lastFormValue(fields, "token"),
      signature: lastFormValue(fields, "signature"),
    };
  }
  const result = mailgunSignatureSchema.safeParse(candidate);
  return result.success ? result.data : null;
}
