import { randomBytes } from "node:crypto";

// The Standard Webhooks spec asks for 24 to 64 random bytes; 32 matches an HMAC-SHA256 key.
const secretByteLength = 32;

/** Creates an endpoint signing secret the Standard Webhooks way: `whsec_` + base64 of 32 bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(secretByteLength).toString("base64")}`;
}
