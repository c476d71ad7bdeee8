import type { OutboundEvent } from "./types";

/** A received request's headers: a `Headers`, or a plain record (Node's `req.headers`). */
export type WebhookHeaders =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** How strict `verify` is about time. */
export interface VerifyOptions {
  /** How far `webhook-timestamp` may be from now, either way: 300 s by default (the spec's). */
  toleranceSeconds?: number;
  /** Unix milliseconds to judge the timestamp against (tests); `Date.now()` by default. */
  now?: number;
}

/** A delivery that is not from mailroute, was altered, or is too old to trust. */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
}

const encoder = new TextEncoder();
const secretPrefix = "whsec_";

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === "string" ? value : value?.[0];
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index += 1) {
      bytes[index] = binary.charCodeAt(index);
    }
    return bytes;
  } catch {
    return undefined;
  }
}

function bodyBytes(rawBody: string | Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer> {
  if (typeof rawBody === "string") {
    return encoder.encode(rawBody);
  }
  return new Uint8Array(rawBody instanceof ArrayBuffer ? rawBody.slice(0) : rawBody.slice());
}

/**
 * Checks a delivery of mailroute's outbound webhooks the Standard Webhooks way and answers the
 * event it carries: the `webhook-signature` must hold a `v1` HMAC-SHA256 (by the endpoint's
 * `whsec_…` secret) of `webhook-id.webhook-timestamp.body`, and the timestamp must be recent.
 * Pass the body exactly as received (the raw bytes or text, not re-serialized JSON).
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyOptions = {},
): Promise<OutboundEvent> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      "missing webhook-id, webhook-timestamp or webhook-signature header",
    );
  }
  const seconds = Number(timestamp);
  const tolerance = options.toleranceSeconds ?? 300;
  const now = (options.now ?? Date.now()) / 1000;
  if (!/^\d+$/.test(timestamp) || Math.abs(now - seconds) > tolerance) {
    throw new WebhookVerificationError("webhook-timestamp is too old or too far ahead");
  }
  const keyBytes = fromBase64(secret.startsWith(secretPrefix) ? secret.slice(6) : secret);
  if (!keyBytes || keyBytes.length === 0) {
    throw new TypeError("the webhook secret is not a whsec_… base64 secret");
  }
  const key = await crypto.subtle.importKey(
    "raw",
    keyBytes,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const body = bodyBytes(rawBody);
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  for (const entry of signatures.split(" ")) {
    const [version, signature] = entry.split(",", 2);
    const expected = version === "v1" && signature ? fromBase64(signature) : undefined;
    // crypto.subtle.verify compares in constant time.
    if (expected && (await crypto.subtle.verify("HMAC", key, expected, signed))) {
      return JSON.parse(new TextDecoder().decode(body)) as OutboundEvent;
    }
  }
  throw new WebhookVerificationError("no webhook-signature matches the body with this secret");
}
