import { Webhook } from "standardwebhooks";

/** What one delivery attempt signs: the stable message id, this attempt's time, the exact body. */
export interface SignWebhookInput {
  /** The `webhook-id`: stable across retries and replays, so receivers can dedupe on it. */
  id: string;
  /** Unix seconds of this attempt (not of the event): a retry is signed afresh. */
  timestamp: number;
  /** The exact bytes that will be sent, as a string. */
  body: string;
  /** The endpoint's secrets, current first; old ones too while a rotation's grace period lasts. */
  secrets: readonly string[];
}

/** The three Standard Webhooks headers of one attempt (a type alias: it fits a header record). */
export type WebhookSignatureHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  /** One `v1,<base64>` entry per secret, space-separated, so both sides of a rotation verify. */
  "webhook-signature": string;
};

/** Signs a delivery the Standard Webhooks way (HMAC-SHA256 of `id.timestamp.body`) per secret. */
export function signWebhook(input: SignWebhookInput): WebhookSignatureHeaders {
  // The spec forbids `.` in the id and timestamp: the signed content is joined with dots.
  if (input.id.length === 0 || input.id.includes(".")) {
    throw new RangeError("a webhook id must be non-empty and contain no '.'");
  }
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new RangeError("a webhook timestamp must be whole Unix seconds");
  }
  if (input.secrets.length === 0) {
    throw new RangeError("at least one signing secret is needed");
  }
  const signedAt = new Date(input.timestamp * 1000);
  const signatures = input.secrets.map((secret) =>
    new Webhook(secret).sign(input.id, signedAt, input.body),
  );
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(input.timestamp),
    "webhook-signature": signatures.join(" "),
  };
}
