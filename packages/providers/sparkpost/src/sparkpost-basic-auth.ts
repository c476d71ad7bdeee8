import { WebhookVerificationError } from "@mailroute/core";

const encoder = new TextEncoder();

/** Reads the `user:password` bytes of a `Basic` Authorization header, or null. */
function presentedCredentials(header: string | undefined): Uint8Array | null {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header ?? "");
  if (!match?.[1]) {
    return null;
  }
  let binary: string;
  try {
    binary = atob(match[1]);
  } catch {
    // Not base64 after all: treated as absent credentials.
    return null;
  }
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

/**
 * Builds a check of the Basic credentials a request carries. The comparison is constant-time:
 * Web Crypto's HMAC verify compares the presented credentials' MAC with the expected one under a
 * per-check random key, so neither the content nor the length of the secret leaks through timing.
 */
export function createBasicAuthCheck(
  username: string,
  password: string,
): (authorization: string | undefined) => Promise<void> {
  const prepare = async () => {
    const key = await crypto.subtle.importKey(
      "raw",
      crypto.getRandomValues(new Uint8Array(32)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    const expected = await crypto.subtle.sign(
      "HMAC",
      key,
      encoder.encode(`${username}:${password}`),
    );
    return { key, expected };
  };
  let prepared: ReturnType<typeof prepare> | undefined;
  return async (authorization) => {
    const presented = presentedCredentials(authorization);
    if (presented === null) {
      throw new WebhookVerificationError("Missing Basic credentials");
    }
    prepared ??= prepare();
    const { key, expected } = await prepared;
    if (!(await crypto.subtle.verify("HMAC", key, expected, presented))) {
      throw new WebhookVerificationError("Basic credentials do not match");
    }
  };
}
