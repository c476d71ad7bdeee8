// SendGrid's Signed Event Webhook: ECDSA P-256 with SHA-256 over `timestamp + raw body`, the
// signature base64 of an ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }`, the key base64 of a DER
// SubjectPublicKeyInfo
// (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features).
// Web Crypto does all of it; it only wants the signature as the raw 64-byte `r || s`.

/** The DER header every uncompressed P-256 SubjectPublicKeyInfo starts with, in hex. */
const p256SpkiPrefix = "3059301306072a8648ce3d020106082a8648ce3d03010703420004";
const p256SpkiLength = p256SpkiPrefix.length / 2 + 64;
const coordinateBytes = 32;

/** A key imported by Web Crypto (the DOM `CryptoKey`, which Node's typings leave out of scope). */
export type SendGridPublicKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** Decodes standard base64 (padding optional); null when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) {
    return null;
  }
  try {
    return Uint8Array.from(atob(text), (character) => character.charCodeAt(0));
  } catch {
    return null;
  }
}

/** True when the bytes are an uncompressed P-256 public key in SubjectPublicKeyInfo DER. */
export function isP256PublicKey(bytes: Uint8Array): boolean {
  const prefix = Array.from(bytes.subarray(0, p256SpkiPrefix.length / 2), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");
  return bytes.length === p256SpkiLength && prefix === p256SpkiPrefix;
}

/** Imports the dashboard's base64 key for verifying; rejects when the point is not on the curve. */
export function importSendGridPublicKey(publicKey: string): Promise<SendGridPublicKey> {
  const bytes = decodeBase64(publicKey) ?? new Uint8Array();
  return crypto.subtle.importKey("spki", bytes, { name: "ECDSA", namedCurve: "P-256" }, false, [
    "verify",
  ]);
}

/** Reads one DER INTEGER at `offset` as a 32-byte big-endian value; null when malformed. */
function readInteger(der: Uint8Array, offset: number): { value: Uint8Array; end: number } | null {
  const length = der[offset + 1];
  if (der[offset] !== 0x02 || length === undefined || length < 1 || length > coordinateBytes + 1) {
    return null;
  }
  const start = offset + 2;
  const end = start + length;
  const first = der[start];
  // A set high bit would make the integer negative, which r and s never are.
  if (end > der.length || first === undefined || first >= 0x80) {
    return null;
  }
  let digits = der.subarray(start, end);
  while (digits.length > 1 && digits[0] === 0) {
    digits = digits.subarray(1);
  }
  if (digits.length > coordinateBytes) {
    return null;
  }
  const value = new Uint8Array(coordinateBytes);
  value.set(digits, coordinateBytes - digits.length);
  return { value, end };
}

/** Turns a DER ECDSA signature into the `r || s` form Web Crypto verifies; null when malformed. */
export function derSignatureToRaw(der: Uint8Array): Uint8Array | null {
  // A P-256 signature is at most 72 bytes, so every length fits the short one-byte form.
  if (der[0] !== 0x30 || der[1] !== der.length - 2) {
    return null;
  }
  const r = readInteger(der, 2);
  const s = r ? readInteger(der, r.end) : null;
  if (!r || !s || s.end !== der.length) {
    return null;
  }
  const raw = new Uint8Array(coordinateBytes * 2);
  raw.set(r.value, 0);
  raw.set(s.value, coordinateBytes);
  return raw;
}

/** Checks a base64 DER signature over `signed`; false for any signature that does not verify. */
export async function verifySendGridSignature(
  key: SendGridPublicKey,
  signatureBase64: string,
  signed: Uint8Array,
): Promise<boolean> {
  const der = decodeBase64(signatureBase64.trim());
  const raw = der ? derSignatureToRaw(der) : null;
  if (!raw) {
    return false;
  }
  return crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, raw, signed);
}
