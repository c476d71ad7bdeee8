import { jsonDepth, maxJsonDepth } from "@mailroute/core";
import { z } from "zod";

/** The three kinds of message SNS posts to an HTTPS subscription. */
export const snsMessageTypes = [
  "Notification",
  "SubscriptionConfirmation",
  "UnsubscribeConfirmation",
] as const;

// The fields of the SNS JSON body mailroute reads
// (https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html).
const snsEnvelopeSchema = z.object({
  Type: z.string(),
  MessageId: z.string().min(1),
  TopicArn: z.string().nullish(),
  Subject: z.string().nullish(),
  Message: z.string(),
  Timestamp: z.string().nullish(),
  SignatureVersion: z.string().nullish(),
  Signature: z.string().nullish(),
  SigningCertURL: z.string().nullish(),
  SubscribeURL: z.string().nullish(),
  Token: z.string().nullish(),
});

/** The SNS message around an SES record. */
export type SnsEnvelope = z.infer<typeof snsEnvelopeSchema>;

/**
 * Decodes the raw body (UTF-8 JSON, posted as text/plain); null when it is not an SNS message,
 * which includes a body nested deeper than `maxJsonDepth`.
 */
export function decodeSnsEnvelope(rawBody: Uint8Array): SnsEnvelope | null {
  let value: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(rawBody);
    if (jsonDepth(text) > maxJsonDepth) {
      return null;
    }
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return snsEnvelopeSchema.safeParse(value).data ?? null;
}

// The fields SNS signs, in this order, as "Name\nvalue\n"
// (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html).
const signedFields = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: [
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
  ],
  UnsubscribeConfirmation: [
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
  ],
} as const satisfies Record<(typeof snsMessageTypes)[number], readonly (keyof SnsEnvelope)[]>;

/** The canonical string SNS signed; null when a field it must cover is missing. */
export function snsStringToSign(envelope: SnsEnvelope): string | null {
  if (!(snsMessageTypes as readonly string[]).includes(envelope.Type)) {
    return null;
  }
  let text = "";
  for (const field of signedFields[envelope.Type as (typeof snsMessageTypes)[number]]) {
    const value = envelope[field];
    if (typeof value === "string") {
      text += `${field}\n${value}\n`;
    } else if (field !== "Subject") {
      // Only a Notification's Subject is optional.
      return null;
    }
  }
  return text;
}

// SNS endpoints, as AWS's own sns-message-validator pins them; `.cn` for the China partition.
const snsHost = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/**
 * True when `value` is an https URL on an SNS endpoint (and, for certificates, a .pem file).
 * Anything else in SigningCertURL or SubscribeURL would let a sender make mailroute fetch a URL
 * of its choosing.
 */
export function isSnsUrl(value: string | null | undefined, kind: "certificate" | "subscribe") {
  let url: URL;
  try {
    url = new URL(value ?? "");
  } catch {
    return false;
  }
  return (
    url.protocol === "https:" &&
    snsHost.test(url.hostname) &&
    url.port === "" &&
    url.username === "" &&
    url.password === "" &&
    (kind === "subscribe" || url.pathname.endsWith(".pem"))
  );
}
