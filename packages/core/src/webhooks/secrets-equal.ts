const encoder = new TextEncoder();

/**
 * Compares a presented secret with the expected one in constant time, with Web Crypto only. The
 * presented bytes are verified against the expected secret's HMAC under a fresh random key, and
 * HMAC verification compares in constant time, so the time taken shows neither the content nor
 * the length of the secret.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    "raw",
    crypto.getRandomValues(new Uint8Array(32)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const expectedMac = await crypto.subtle.sign("HMAC", key, encoder.encode(expected));
  return crypto.subtle.verify("HMAC", key, expectedMac, encoder.encode(given));
}
