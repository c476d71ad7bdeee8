import {
  type EmailAddress,
  type EmailMessage,
  formatAddress,
  ProviderError,
  recipientsOf,
  type SendOptions,
  type SendResult,
} from "@mailroute/core";
import { Models, type ServerClient } from "postmark";
import { mapPostmarkError } from "./postmark-error";
import { type PostmarkCall, runPostmarkCall } from "./postmark-fetch";

/** The metadata key that carries mailroute's message id (found again in webhooks and search). */
export const mailrouteIdKey = "mailroute_id";

/** Limits Postmark enforces that the shared capabilities cannot express. */
export const postmarkMessageLimits = {
  /** TextBody and HtmlBody, each (support article 1056). */
  maxBodyBytes: 5 * 1024 * 1024,
  /** Custom metadata FAQ (support article 1125); beyond them the API answers 422/300. */
  maxMetadataFields: 10,
  maxMetadataKeyLength: 20,
  maxMetadataValueLength: 80,
  /** One `Tag` per message. */
  maxTags: 1,
} as const;

function addressList(addresses: EmailAddress[]): string | undefined {
  return addresses.length > 0 ? addresses.map(formatAddress).join(", ") : undefined;
}

/**
 * The message's explicit tracking switches as `TrackOpens` and `TrackLinks`
 * (https://postmarkapp.com/developer/api/email-api); an unset one is left out, so the server's
 * setting applies. Postmark's server-wide open tracking, when on, wins over `TrackOpens: false`.
 */
function trackingFieldsOf(
  tracking: EmailMessage["tracking"],
): Pick<Models.Message, "TrackOpens" | "TrackLinks"> {
  return {
    ...(tracking?.opens !== undefined ? { TrackOpens: tracking.opens } : {}),
    ...(tracking?.clicks !== undefined
      ? {
          TrackLinks: tracking.clicks
            ? Models.LinkTrackingOptions.HtmlAndText
            : Models.LinkTrackingOptions.None,
        }
      : {}),
  };
}

/** Maps the normalized message onto Postmark's `POST /email` body. */
export function toPostmarkMessage(message: EmailMessage, messageStream: string): Models.Message {
  const headers = Object.entries(message.headers);
  return {
    From: formatAddress(message.from),
    To: addressList(message.to),
    Cc: addressList(message.cc),
    Bcc: addressList(message.bcc),
    ReplyTo: addressList(message.replyTo),
    Subject: message.subject,
    TextBody: message.text,
    HtmlBody: message.html,
    MessageStream: messageStream,
    Tag: message.tags[0],
    Metadata: { ...message.metadata, [mailrouteIdKey]: message.id },
    Headers: headers.length > 0 ? headers.map(([Name, Value]) => ({ Name, Value })) : undefined,
    ...trackingFieldsOf(message.tracking),
    Attachments:
      message.attachments.length > 0
        ? message.attachments.map((attachment) => ({
            Name: attachment.filename,
            Content: attachment.content,
            // Postmark requires a type; octet-stream is what its own libraries default to.
            ContentType: attachment.contentType ?? "application/octet-stream",
            // Postmark expects the id in the form the HTML references it: "cid:logo".
            ContentID: attachment.contentId ? `cid:${attachment.contentId}` : null,
          }))
        : undefined,
  };
}

/**
 * Says why Postmark would refuse this body for limits the router cannot see, or null. Refusing
 * here (retryable, "unsupported") lets the router try a provider that can carry the message,
 * where Postmark's 422 would stop it as a permanent rejection.
 */
export function findPostmarkLimitViolation(
  message: EmailMessage,
  body: Models.Message,
): string | null {
  const limits = postmarkMessageLimits;
  if (message.tags.length > limits.maxTags) {
    return `Postmark keeps one tag per message; got ${message.tags.length}`;
  }
  for (const field of ["TextBody", "HtmlBody"] as const) {
    if (Buffer.byteLength(body[field] ?? "") > limits.maxBodyBytes) {
      return `${field} exceeds Postmark's 5 MB limit`;
    }
  }
  const metadata = Object.entries(body.Metadata ?? {});
  if (metadata.length > limits.maxMetadataFields) {
    return `Postmark keeps at most ${limits.maxMetadataFields} metadata fields (mailroute_id included); got ${metadata.length}`;
  }
  for (const [key, value] of metadata) {
    if (key.length > limits.maxMetadataKeyLength || value.length > limits.maxMetadataValueLength) {
      return `metadata field '${key}' exceeds Postmark's limits (name 20, value 80 characters)`;
    }
  }
  return null;
}

/** What `sendWithPostmark` needs from the provider. */
export interface PostmarkSendContext {
  provider: string;
  client: ServerClient;
  messageStream: string;
}

/** Sends one message through the account's ServerClient and classifies any failure. */
export async function sendWithPostmark(
  context: PostmarkSendContext,
  message: EmailMessage,
  options: SendOptions,
): Promise<SendResult> {
  const body = toPostmarkMessage(message, context.messageStream);
  const refusal = findPostmarkLimitViolation(message, body);
  if (refusal) {
    throw new ProviderError({
      provider: context.provider,
      outcome: "retryable",
      reason: "unsupported",
      message: refusal,
    });
  }
  if (options.signal.aborted) {
    throw new ProviderError({
      provider: context.provider,
      outcome: "retryable",
      reason: "timeout",
      providerCode: "DEADLINE",
      message: "the deadline passed before the request was sent",
    });
  }
  const call: PostmarkCall = { signal: options.signal };
  try {
    // sendAt is not mapped: Postmark cannot schedule (capabilities say 0), so the dispatcher
    // holds a scheduled message until it is due.
    const response = await runPostmarkCall(call, () => context.client.sendEmail(body));
    return {
      providerMessageId: typeof response.MessageID === "string" ? response.MessageID : null,
      response: { status: call.status ?? 200, body: JSON.stringify(response).slice(0, 2000) },
    };
  } catch (error) {
    // A 2xx status line means Postmark took the message, even if its body never arrived
    // (reliability.md §4.3): report it sent, without an id, rather than invite a duplicate.
    if (call.status !== undefined && call.status >= 200 && call.status < 300) {
      return { providerMessageId: null, response: { status: call.status } };
    }
    throw mapPostmarkError({
      provider: context.provider,
      error,
      call,
      recipients: recipientsOf(message),
    });
  }
}
