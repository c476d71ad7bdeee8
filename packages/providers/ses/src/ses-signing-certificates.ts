// No web standard parses X.509 (Web Crypto imports bare keys only), so node:crypto reads the
// certificate; the signature itself is checked with Web Crypto.
import { X509Certificate } from "node:crypto";
import { MailrouteError, WebhookVerificationError } from "@mailroute/core";

/** The digest each SNS SignatureVersion uses: 1 is SHA1withRSA, 2 is SHA256withRSA. */
export const snsSignatureHashes = { "1": "SHA-1", "2": "SHA-256" } as const;

/** One of the keys of {@link snsSignatureHashes}. */
export type SnsSignatureVersion = keyof typeof snsSignatureHashes;

interface SigningCertificate {
  spki: Uint8Array;
  validFrom: number;
  validTo: number;
}

const maxCertificateBytes = 64 * 1024;
const fetchTimeoutMs = 10_000;

async function downloadCertificate(
  url: string,
  fetcher: typeof fetch,
): Promise<SigningCertificate> {
  let response: Response;
  let body: string;
  try {
    // No redirects: the pinned host must serve the certificate itself.
    response = await fetcher(url, {
      redirect: "error",
      signal: AbortSignal.timeout(fetchTimeoutMs),
    });
    body = await response.text();
  } catch (error) {
    // Not evidence of forgery: answer 5xx so SNS retries.
    throw new MailrouteError("INTERNAL_ERROR", "could not fetch the SNS signing certificate", {
      cause: error,
    });
  }
  if (response.status >= 500) {
    throw new MailrouteError(
      "INTERNAL_ERROR",
      `SNS answered ${response.status} for its signing certificate`,
    );
  }
  if (!response.ok || body.length > maxCertificateBytes) {
    throw new WebhookVerificationError("SigningCertURL does not serve a certificate");
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(body);
  } catch {
    throw new WebhookVerificationError("SigningCertURL does not serve a certificate");
  }
  if (certificate.publicKey.asymmetricKeyType !== "rsa") {
    throw new WebhookVerificationError("the SNS signing certificate is not an RSA certificate");
  }
  return {
    spki: new Uint8Array(certificate.publicKey.export({ type: "spki", format: "der" })),
    validFrom: Date.parse(certificate.validFrom),
    validTo: Date.parse(certificate.validTo),
  };
}

/**
 * Fetches SNS signing certificates and keeps them per URL (SNS rotates them rarely, and each URL
 * names one certificate). The HTTPS fetch from the pinned SNS host is what vouches for the
 * certificate; its validity period is checked on every use.
 */
export function createSigningCertificates(maxEntries = 16) {
  const cache = new Map<string, Promise<SigningCertificate>>();

  function load(url: string, fetcher: typeof fetch): Promise<SigningCertificate> {
    const cached = cache.get(url);
    if (cached) {
      return cached;
    }
    if (cache.size >= maxEntries) {
      // The oldest entry goes first (a Map iterates in insertion order).
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) {
        cache.delete(oldest);
      }
    }
    const loading = downloadCertificate(url, fetcher);
    cache.set(url, loading);
    // A failed download is not kept, so the next message tries again.
    loading.catch(() => {
      if (cache.get(url) === loading) {
        cache.delete(url);
      }
    });
    return loading;
  }

  return {
    /** Checks `signature` (base64) over `text` with the certificate at `url`. */
    async verify(input: {
      url: string;
      version: SnsSignatureVersion;
      signature: string;
      text: string;
      now: Date;
      fetch: typeof fetch;
    }): Promise<boolean> {
      const certificate = await load(input.url, input.fetch);
      const now = input.now.getTime();
      if (!(now >= certificate.validFrom && now <= certificate.validTo)) {
        throw new WebhookVerificationError("the SNS signing certificate is not valid now");
      }
      const algorithm = {
        name: "RSASSA-PKCS1-v1_5",
        hash: snsSignatureHashes[input.version],
      };
      const key = await crypto.subtle.importKey("spki", certificate.spki, algorithm, false, [
        "verify",
      ]);
      let signature: Uint8Array;
      try {
        signature = Uint8Array.from(atob(input.signature), (character) => character.charCodeAt(0));
      } catch {
        return false;
      }
      return crypto.subtle.verify(algorithm, key, signature, new TextEncoder().encode(input.text));
    },
  };
}

/** The certificate store one SES webhook handler keeps. */
export type SigningCertificates = ReturnType<typeof createSigningCertificates>;
