import { z } from "zod";
import { templateReferenceSchema } from "../template/template-schema";
import { addressInputSchema, addressListInputSchema, emailAddressSchema } from "./address";
import { isBase64 } from "./is-base64";
import { isOneLine } from "./is-one-line";
import { callerUnsubscribeHeaders } from "./one-click-unsubscribe";
import { explicitTracking, trackingSchema } from "./tracking";

/** Headers mailroute or the provider set itself; a message may not override them. */
export const reservedHeaderNames = [
  "from",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "sender",
  "subject",
  "date",
  "received",
  "return-path",
  "content-type",
  "content-transfer-encoding",
  "mime-version",
  "dkim-signature",
] as const;

/** The limits the API enforces on every message, whatever the provider. */
export const messageLimits = {
  maxRecipients: 1000,
  maxTags: 10,
  maxTagLength: 128,
  maxMetadataKeys: 50,
  maxMetadataValueLength: 1000,
  maxHeaders: 100,
  maxAttachments: 100,
  maxSubjectLength: 998,
} as const;

/**
 * Headers the provider sets: `Message-ID` is how Mailgun and SMTP name a sent message, so the
 * events that come back are matched to it; two messages with one caller-chosen id could not be
 * told apart. Replies thread with `In-Reply-To` and `References`, which pass through.
 */
const providerHeaderNames: Record<string, string> = {
  "message-id":
    "is set by the provider, which names the sent message by it; thread replies with In-Reply-To and References",
};

const headerNamePattern = /^[!-9;-~]+$/; // printable ASCII except the colon (RFC 5322 field-name)
const oneLineMessage = "must be one line without control characters";

const attachmentInputSchema = z
  .object({
    filename: z.string().min(1).max(255).refine(isOneLine, oneLineMessage),
    content: z
      .string()
      .min(1)
      .transform((value) => value.replace(/\s+/g, ""))
      .refine(isBase64, "must be base64"),
    contentType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, "must be a MIME type such as application/pdf")
      .optional(),
    contentId: z.string().min(1).max(255).refine(isOneLine, oneLineMessage).optional(),
  })
  .strict();

const headersSchema = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  const names = Object.keys(headers);
  if (names.length > messageLimits.maxHeaders) {
    ctx.addIssue({ code: "custom", message: `at most ${messageLimits.maxHeaders} headers` });
  }
  for (const name of names) {
    const lower = name.toLowerCase();
    if (!headerNamePattern.test(name)) {
      ctx.addIssue({ code: "custom", path: [name], message: "is not a valid header name" });
    } else if (
      (reservedHeaderNames as readonly string[]).includes(lower) ||
      lower.startsWith("x-mailroute-")
    ) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: "is set by mailroute and cannot be overridden",
      });
    } else if (Object.hasOwn(providerHeaderNames, lower)) {
      ctx.addIssue({ code: "custom", path: [name], message: providerHeaderNames[lower] ?? "" });
    }
    if (!isOneLine(headers[name] ?? "")) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: "must not contain CR, LF, NUL or other control characters",
      });
    }
  }
});

const metadataSchema = z
  .record(
    z.string().min(1).max(128).refine(isOneLine, oneLineMessage),
    z.string().max(messageLimits.maxMetadataValueLength),
  )
  .refine((value) => Object.keys(value).length <= messageLimits.maxMetadataKeys, {
    message: `at most ${messageLimits.maxMetadataKeys} keys`,
  });

/** A subject: one line within the limit (required where a message is complete). */
export const subjectSchema = z
  .string()
  .max(messageLimits.maxSubjectLength)
  .refine(isOneLine, oneLineMessage);

/**
 * What a template renders into a message, checked as a sent subject and body are: a subject
 * that is one line within the limit and not empty.
 */
export const renderedContentSchema = z.object({
  subject: subjectSchema.refine((subject) => subject.length > 0, "is empty once rendered"),
  text: z.string().optional(),
  html: z.string().optional(),
});

/** The body of `POST /v1/messages`, exactly as DESIGN.md's HTTP contract describes it. */
export const sendMessageSchema = z
  .object({
    from: addressInputSchema,
    to: addressListInputSchema.refine(
      (list) => list.length > 0,
      "at least one recipient is required",
    ),
    cc: addressListInputSchema.optional(),
    bcc: addressListInputSchema.optional(),
    replyTo: addressListInputSchema.optional(),
    subject: subjectSchema.optional(),
    text: z.string().optional(),
    html: z.string().optional(),
    attachments: z.array(attachmentInputSchema).max(messageLimits.maxAttachments).optional(),
    headers: headersSchema.optional(),
    tags: z
      .array(z.string().min(1).max(messageLimits.maxTagLength).refine(isOneLine, oneLineMessage))
      .max(messageLimits.maxTags)
      .optional(),
    metadata: metadataSchema.optional(),
    sendAt: z.iso.datetime({ offset: true }).optional(),
    template: templateReferenceSchema.optional(),
    /** Open and click tracking for this message; what is left out follows the route's defaults, then the provider's. */
    tracking: trackingSchema.optional(),
    /** Adds RFC 8058 one-click unsubscribe headers (`List-Unsubscribe`, `List-Unsubscribe-Post`). */
    unsubscribe: z.boolean().optional(),
  })
  .strict()
  .superRefine((message, ctx) => {
    if (message.unsubscribe === true) {
      for (const name of callerUnsubscribeHeaders(message.headers)) {
        ctx.addIssue({
          code: "custom",
          path: ["headers", name],
          message: "is set by mailroute when unsubscribe is true; leave it out or drop unsubscribe",
        });
      }
    }
    if (message.template) {
      // The template renders these; a message carries one or the other, never a mix.
      for (const field of ["subject", "text", "html"] as const) {
        if (message[field] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: "cannot be given with a template, which renders it",
          });
        }
      }
    } else {
      if (!message.subject) {
        ctx.addIssue({
          code: "custom",
          path: ["subject"],
          message: "is required (or use a template)",
        });
      }
      if (message.text === undefined && message.html === undefined) {
        ctx.addIssue({ code: "custom", path: ["text"], message: "text or html is required" });
      }
    }
    const count = message.to.length + (message.cc?.length ?? 0) + (message.bcc?.length ?? 0);
    if (count > messageLimits.maxRecipients) {
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `at most ${messageLimits.maxRecipients} recipients in all`,
      });
    }
  });

/** A send request after validation (addresses parsed, lists normalized). */
export type SendMessageInput = z.output<typeof sendMessageSchema>;

/** An attachment of a stored message. */
export const attachmentSchema = z.object({
  filename: z.string(),
  /** Base64. */
  content: z.string(),
  contentType: z.string().optional(),
  /** Set for inline parts, referenced from the HTML as `cid:<contentId>`. */
  contentId: z.string().optional(),
});

/** An attachment of a stored message. */
export type Attachment = z.infer<typeof attachmentSchema>;

/** The normalized message every provider adapter receives. */
export const emailMessageSchema = z.object({
  /** mailroute's id (`msg_…`), sent to the provider as correlation metadata. */
  id: z.string(),
  from: emailAddressSchema,
  to: z.array(emailAddressSchema),
  cc: z.array(emailAddressSchema),
  bcc: z.array(emailAddressSchema),
  replyTo: z.array(emailAddressSchema),
  subject: z.string(),
  text: z.string().optional(),
  html: z.string().optional(),
  attachments: z.array(attachmentSchema),
  headers: z.record(z.string(), z.string()),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
  sendAt: z.string().optional(),
  /** The stored template and version the subject and bodies were rendered from, at accept. */
  template: z.object({ id: z.string(), version: z.number() }).optional(),
  /** Only what the message or its route set explicitly; absent means the provider's default. */
  tracking: trackingSchema.optional(),
});

/** The normalized message every provider adapter receives. */
export type EmailMessage = z.infer<typeof emailMessageSchema>;

/** Turns a validated request into the normalized message (defaults filled in, lists never absent). */
export function toEmailMessage(id: string, input: SendMessageInput): EmailMessage {
  return {
    id,
    from: input.from,
    to: input.to,
    cc: input.cc ?? [],
    bcc: input.bcc ?? [],
    replyTo: input.replyTo ?? [],
    subject: input.subject ?? "",
    ...(input.text !== undefined ? { text: input.text } : {}),
    ...(input.html !== undefined ? { html: input.html } : {}),
    attachments: input.attachments ?? [],
    headers: input.headers ?? {},
    tags: input.tags ?? [],
    metadata: input.metadata ?? {},
    ...(input.sendAt !== undefined ? { sendAt: input.sendAt } : {}),
    ...explicitTracking(input.tracking),
  };
}

/** The field a recipient is addressed in. */
export type RecipientKind = "to" | "cc" | "bcc";

/**
 * Every recipient address of a message, lowercased and de-duplicated, in order (to, then cc, then
 * bcc), each with the field it first appears in.
 */
export function recipientKindsOf(
  message: Pick<EmailMessage, "to" | "cc" | "bcc">,
): Map<string, RecipientKind> {
  const kinds = new Map<string, RecipientKind>();
  for (const kind of ["to", "cc", "bcc"] as const) {
    for (const address of message[kind]) {
      const email = address.email.toLowerCase();
      if (!kinds.has(email)) {
        kinds.set(email, kind);
      }
    }
  }
  return kinds;
}

/** Every recipient address of a message (to, cc, bcc), lowercased and de-duplicated. */
export function recipientsOf(message: Pick<EmailMessage, "to" | "cc" | "bcc">): string[] {
  return [...recipientKindsOf(message).keys()];
}
