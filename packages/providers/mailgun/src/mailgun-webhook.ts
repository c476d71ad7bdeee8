import {
  type ProviderWebhook,
  parseProviderSettings,
  type WebhookContext,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import {
  decodeMailgunPayload,
  type MailgunSignature,
  readMailgunPayload,
  readMailgunSignature,
} from "./mailgun-webhook-payload";
import {
  type MailgunWebhookSettings,
  mailgunWebhookSettingsSchema,
  type ResolvedMailgunWebhookSettings,
} from "./mailgun-webhook-settings";
import { mapMailgunPayload } from "./map-mailgun-event";

/** A key imported by Web Crypto (the DOM `CryptoKey`, which Node's typings leave out of scope). */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

function resolveSettings(settings: MailgunWebhookSettings): ResolvedMailgunWebhookSettings {
  return parseProviderSettings(
    mailgunWebhookSettingsSchema,
    settings,
    "invalid Mailgun webhook settings",
  );
}

/** Lowercase or uppercase hex of a SHA-256 HMAC → its 32 bytes; null for anything else. */
function decodeHexDigest(text: string): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/i.test(text)) {
    return null;
  }
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

function checkTimestamp(signature: MailgunSignature, now: Date, toleranceSeconds: number): void {
  // Mailgun advises a freshness check but warns against a tight one: posts can be delayed.
  const skewSeconds = Math.abs(now.getTime() / 1000 - Number(signature.timestamp));
  if (skewSeconds > toleranceSeconds) {
    throw new WebhookVerificationError("Mailgun webhook timestamp is outside the tolerance");
  }
}

/**
 * Creates the webhook handler for one Mailgun signing key. `verify` checks
 * `hex(HMAC-SHA256(signingKey, timestamp + token))`
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/webhooks/securing-webhooks),
 * the timestamp's freshness, and that the token was not used before with other event data
 * (through `context.claimReplayKey`); JSON webhooks and legacy form posts are both accepted.
 */
export function createMailgunWebhook(settings: MailgunWebhookSettings): ProviderWebhook {
  const { signingKey, toleranceSeconds } = resolveSettings(settings);
  const encoder = new TextEncoder();
  let key: Promise<HmacKey> | undefined;
  const loadKey = (): Promise<HmacKey> => {
    key ??= crypto.subtle.importKey(
      "raw",
      encoder.encode(signingKey),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    return key;
  };

  return {
    async verify(request: WebhookRequest, context: WebhookContext): Promise<void> {
      const signature = readMailgunSignature(request);
      if (!signature) {
        throw new WebhookVerificationError(
          "Mailgun webhook carries no timestamp, token, signature",
        );
      }
      const { claimReplayKey } = context;
      if (!claimReplayKey) {
        // Without it a signature block could be reattached to forged event data.
        throw new Error("Mailgun webhook verification needs claimReplayKey in its context");
      }
      checkTimestamp(signature, context.now, toleranceSeconds);
      const bodyDigest = Array.from(
        new Uint8Array(await crypto.subtle.digest("SHA-256", request.rawBody)),
        (byte) => byte.toString(16).padStart(2, "0"),
      ).join("");
      const digest = decodeHexDigest(signature.signature);
      const signed = encoder.encode(`${signature.timestamp}${signature.token}`);
      // Web Crypto's HMAC verify compares in constant time.
      if (!digest || !(await crypto.subtle.verify("HMAC", await loadKey(), digest, signed))) {
        throw new WebhookVerificationError("Mailgun webhook signature does not verify");
      }
      // The signature does not cover the event data, so the token is single-use: claimed only
      // once authentic (a forgery cannot burn it), with the body's digest, until its timestamp
      // leaves the tolerance. The same body again is Mailgun retrying a delivery we failed to
      // store, and the server drops the copy by event id.
      const claimed = await claimReplayKey({
        key: signature.token,
        bodyDigest,
        expiresAt: new Date((Number(signature.timestamp) + toleranceSeconds) * 1000),
      });
      if (!claimed) {
        throw new WebhookVerificationError(
          "Mailgun webhook token was already used with other event data",
        );
      }
    },

    parse(request: WebhookRequest) {
      return { kind: "events", payload: decodeMailgunPayload(request) };
    },

    toEvents(payload: unknown) {
      return mapMailgunPayload(readMailgunPayload(payload));
    },
  };
}
