import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";

// Node can read X.509 but not write it, so the tests build a minimal self-signed certificate
// (RFC 5280: version 3, one common name, sha256WithRSAEncryption) in DER by hand.

function derLength(size: number): number[] {
  if (size < 0x80) {
    return [size];
  }
  const bytes: number[] = [];
  for (let rest = size; rest > 0; rest = Math.floor(rest / 256)) {
    bytes.unshift(rest % 256);
  }
  return [0x80 | bytes.length, ...bytes];
}

function der(tag: number, ...parts: Uint8Array[]): Buffer {
  const content = Buffer.concat(parts);
  return Buffer.concat([Uint8Array.from([tag, ...derLength(content.length)]), content]);
}

function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) {
      chunk.unshift(0x80 | (value & 0x7f));
    }
    bytes.push(...chunk);
  }
  return der(0x06, Uint8Array.from(bytes));
}

function commonName(value: string): Buffer {
  const attribute = der(0x30, objectIdentifier("2.5.4.3"), der(0x0c, Buffer.from(value)));
  return der(0x30, der(0x31, attribute));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, "").slice(2, 14);
  return der(0x17, Buffer.from(`${text}Z`));
}

function selfSignedCertificate(
  keys: { publicKey: KeyObject; privateKey: KeyObject },
  validity: {
    notBefore: Date;
    notAfter: Date;
  },
): string {
  const algorithm = der(0x30, objectIdentifier("1.2.840.113549.1.1.11"), der(0x05));
  const subject = commonName("sns.amazonaws.com");
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Uint8Array.of(2))),
    der(0x02, Uint8Array.of(0x01, 0x23)),
    algorithm,
    subject,
    der(0x30, utcTime(validity.notBefore), utcTime(validity.notAfter)),
    subject,
    keys.publicKey.export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, keys.privateKey);
  const certificate = der(0x30, tbs, algorithm, der(0x03, Uint8Array.of(0), signature));
  const lines = certificate.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

// Written from the AWS page, independently of the code under test
// (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html).
function stringToSign(envelope: Record<string, unknown>): string {
  const fields =
    envelope.Type === "Notification"
      ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
      : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  return fields
    .filter((field) => typeof envelope[field] === "string")
    .map((field) => `${field}\n${envelope[field]}\n`)
    .join("");
}

/** A signing key and its certificate, standing in for SNS's. */
export interface TestSigner {
  certificatePem: string;
  /** Returns the envelope with SignatureVersion and Signature set for this key. */
  signEnvelope(envelope: Record<string, unknown>, version: "1" | "2"): Record<string, unknown>;
}

/** Creates an RSA key and a self-signed certificate valid over `validity`. */
export function createTestSigner(
  validity = {
    notBefore: new Date("2010-01-01T00:00:00Z"),
    notAfter: new Date("2049-12-31T00:00:00Z"),
  },
): TestSigner {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    certificatePem: selfSignedCertificate(keys, validity),
    signEnvelope(envelope, version) {
      const signed = { ...envelope, SignatureVersion: version };
      const digest = version === "1" ? "sha1" : "sha256";
      const signature = sign(digest, Buffer.from(stringToSign(signed)), keys.privateKey);
      return { ...signed, Signature: signature.toString("base64") };
    },
  };
}
