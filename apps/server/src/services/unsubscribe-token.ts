import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * An unsubscribe token: `{messageId}.{signature}`, where the signature is HMAC-SHA256, under the
 * server's secret, over the message id and its recipient (base64url, so the token is URL-safe
 * as it is). It names the recipient without carrying the address: whoever reads a link learns
 * only a message id, and a token for one message cannot be turned into another's.
 */
const tokenPattern = /^(msg_[0-9a-z]{1,64})\.([A-Za-z0-9_-]{43})$/;

// Domain separation: the secret signs nothing else in this shape.
const purpose = "mailroute one-click unsubscribe v1";

function signatureOf(secret: string, messageId: string, recipient: string): string {
  return createHmac("sha256", secret)
    .update(`${purpose}\u0000${messageId}\u0000${recipient.toLowerCase()}`)
    .digest("base64url");
}

/** The token for one message and its recipient. */
export function signUnsubscribeToken(secret: string, messageId: string, recipient: string): string {
  return `${messageId}.${signatureOf(secret, messageId, recipient)}`;
}

/** The message id a token claims to be for, or null when it is not a token at all. */
export function messageIdOfToken(token: string): string | null {
  return tokenPattern.exec(token)?.[1] ?? null;
}

/** True only when the token is the one signed for this message id and recipient (timing-safe). */
export function verifyUnsubscribeToken(secret: string, token: string, recipient: string): boolean {
  const match = tokenPattern.exec(token);
  if (!match?.[1] || !match[2]) {
    return false;
  }
  // The text is compared, not the decoded bytes: base64url's last character carries two unused
  // bits, so decoding would let a second spelling of the same signature through. The pattern
  // fixes 43 ASCII characters on both sides, so the lengths match and leak nothing.
  const given = Buffer.from(match[2], "ascii");
  const expected = Buffer.from(signatureOf(secret, match[1], recipient), "ascii");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
