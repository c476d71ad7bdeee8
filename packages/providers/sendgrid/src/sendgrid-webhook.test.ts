import {
  ConfigError,
  WebhookPayloadError,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import {
  fixtureRequest,
  readManifest,
  readSignatureVectors,
  runWebhookFixtures,
} from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import {
  createSendGridWebhook,
  sendGridSignatureHeader,
  sendGridTimestampHeader,
} from "./sendgrid-webhook";

interface SignatureVector {
  id: string;
  public_key: string;
  timestamp_header: string;
  signature_header: string;
  payload_base64: string;
  valid: boolean;
}

const vectors = (readSignatureVectors().sendgrid_ecdsa as { vectors: SignatureVector[] }).vectors;
const singleVector = vectors.find((vector) => vector.id === "sendgrid_ecdsa:signed-single-dropped");
if (!singleVector) {
  throw new Error("signatures.json lacks the signed-single-dropped vector");
}
const signed = singleVector;
const signedAt = new Date(Number(signed.timestamp_header) * 1000);

function signedRequest(overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    method: "POST",
    url: "https://mailroute.example/webhooks/sendgrid",
    headers: {
      "content-type": "application/json",
      [sendGridSignatureHeader]: signed.signature_header,
      [sendGridTimestampHeader]: signed.timestamp_header,
    },
    rawBody: Uint8Array.from(Buffer.from(signed.payload_base64, "base64")),
    ...overrides,
  };
}

async function verificationError(promise: Promise<void>): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return error as WebhookVerificationError;
}

const webhook = createSendGridWebhook({ publicKey: signed.public_key });

runWebhookFixtures({ provider: "sendgrid", webhook });

describe("createSendGridWebhook verify: signatures.json vectors", () => {
  it.each(vectors.map((vector) => [vector.id, vector] as const))("%s", async (_id, vector) => {
    const timestamp = /^\d+$/.test(vector.timestamp_header)
      ? Number(vector.timestamp_header)
      : Number(signed.timestamp_header);
    const request = signedRequest({
      headers: {
        [sendGridSignatureHeader]: vector.signature_header,
        [sendGridTimestampHeader]: vector.timestamp_header,
      },
      rawBody: Uint8Array.from(Buffer.from(vector.payload_base64, "base64")),
    });
    const result = createSendGridWebhook({ publicKey: vector.public_key }).verify(request, {
      now: new Date(timestamp * 1000),
    });
    if (vector.valid) {
      await expect(result).resolves.toBeUndefined();
    } else {
      await verificationError(result);
    }
  });

  it("verifies the corpus's signed cases exactly as the fixture runner builds them", async () => {
    const signedCases = readManifest().filter(
      (fixture) => fixture.provider === "sendgrid" && fixture.provenance === "provider_signed",
    );
    expect(signedCases.map((fixture) => fixture.id)).toEqual([
      "sendgrid/signed-batch-processed-bounce-blocked",
      "sendgrid/signed-single-dropped",
    ]);
    for (const fixture of signedCases) {
      const name = fixture.file.replace(/^sendgrid\/(.*)\.json$/, "$1");
      const vector = vectors.find((candidate) => candidate.id === `sendgrid_ecdsa:${name}`);
      const request = fixtureRequest(fixture);
      const timestamp = Number(request.headers[sendGridTimestampHeader]);
      await expect(
        createSendGridWebhook({ publicKey: vector?.public_key ?? "" }).verify(request, {
          now: new Date(timestamp * 1000),
        }),
      ).resolves.toBeUndefined();
    }
  });
});

describe("createSendGridWebhook verify", () => {
  it("refuses a body changed by one byte", async () => {
    const request = signedRequest();
    const tampered = request.rawBody.slice();
    tampered[10] = (tampered[10] ?? 0) ^ 0x01;
    await verificationError(webhook.verify({ ...request, rawBody: tampered }, { now: signedAt }));
  });

  it("refuses the request under another account's key", async () => {
    const other = vectors.find((vector) => vector.id.includes("batch"));
    const otherWebhook = createSendGridWebhook({ publicKey: other?.public_key ?? "" });
    await verificationError(otherWebhook.verify(signedRequest(), { now: signedAt }));
  });

  it.each([sendGridSignatureHeader, sendGridTimestampHeader])(
    "refuses a request without %s",
    async (header) => {
      const request = signedRequest();
      const headers = { ...request.headers };
      delete headers[header];
      const error = await verificationError(
        webhook.verify({ ...request, headers }, { now: signedAt }),
      );
      expect(error.message).toMatch(/missing/);
    },
  );

  it("refuses a signature that is not base64 DER without throwing anything else", async () => {
    for (const signature of ["not base64!", "AAAA", "MAYCAQECAQE=", ""]) {
      const request = signedRequest();
      await verificationError(
        webhook.verify(
          { ...request, headers: { ...request.headers, [sendGridSignatureHeader]: signature } },
          { now: signedAt },
        ),
      );
    }
  });

  it("accepts a timestamp 300 s away either way and refuses 301 s", async () => {
    const at = (offsetSeconds: number) => ({
      now: new Date(signedAt.getTime() + offsetSeconds * 1000),
    });
    await expect(webhook.verify(signedRequest(), at(300))).resolves.toBeUndefined();
    await expect(webhook.verify(signedRequest(), at(-300))).resolves.toBeUndefined();
    const stale = await verificationError(webhook.verify(signedRequest(), at(301)));
    expect(stale.message).toMatch(/tolerance/);
    await verificationError(webhook.verify(signedRequest(), at(-301)));
  });

  it("uses the configured tolerance", async () => {
    const strict = createSendGridWebhook({ publicKey: signed.public_key, toleranceSeconds: 10 });
    const now = new Date(signedAt.getTime() + 11_000);
    await verificationError(strict.verify(signedRequest(), { now }));
  });

  it("never puts the signature or key in its error messages", async () => {
    const request = signedRequest();
    const tampered = request.rawBody.slice(1);
    const error = await verificationError(
      webhook.verify({ ...request, rawBody: tampered }, { now: signedAt }),
    );
    expect(error.message).not.toContain(signed.signature_header);
    expect(error.message).not.toContain(signed.public_key);
  });
});

describe("createSendGridWebhook settings", () => {
  it("accepts the key as PEM", async () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${signed.public_key.slice(0, 64)}\n${signed.public_key.slice(64)}\n-----END PUBLIC KEY-----\n`;
    await expect(
      createSendGridWebhook({ publicKey: pem }).verify(signedRequest(), { now: signedAt }),
    ).resolves.toBeUndefined();
  });

  it.each([
    ["a missing key", {}],
    ["a key that is not base64", { publicKey: "not a key" }],
    ["an RSA or truncated key", { publicKey: signed.public_key.slice(0, 40) }],
    ["a zero tolerance", { publicKey: signed.public_key, toleranceSeconds: 0 }],
    ["a misspelt option", { publicKey: signed.public_key, tolerance: 60 }],
  ])("refuses %s with a ConfigError", (_case, settings) => {
    expect(() => createSendGridWebhook(settings as { publicKey: string })).toThrow(ConfigError);
  });

  it("reports a key whose point is not on the curve as a ConfigError, not a forgery", async () => {
    const bytes = Buffer.from(signed.public_key, "base64");
    bytes.fill(0x01, 27);
    const broken = createSendGridWebhook({ publicKey: bytes.toString("base64") });
    await expect(broken.verify(signedRequest(), { now: signedAt })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});

describe("createSendGridWebhook parse", () => {
  const body = (text: string) => signedRequest({ rawBody: new TextEncoder().encode(text) });

  it("returns the batch as events", () => {
    const parsed = webhook.parse(signedRequest());
    expect(parsed.kind).toBe("events");
    expect(webhook.toEvents(parsed.kind === "events" ? parsed.payload : null)).toHaveLength(1);
  });

  it.each([
    ["an object of another shape", '{"x":1}', /not a JSON array of events/],
    ["an empty batch", "[]", /SendGrid webhook body is an empty batch/],
    ["an item of another shape", '[{"x":1}]', /item 0 is not a SendGrid event/],
    ["an item without email", '[{"event":"delivered","timestamp":1}]', /item 0 .*email/s],
    ["an item with an empty event", '[{"event":"","email":"a@b.com","timestamp":1}]', /item 0/],
    ["a JSON number", "1", /not a JSON array of events/],
    ["a JSON string", '"delivered"', /not a JSON array of events/],
  ])("refuses %s: none of SendGrid's event shape", (_case, text, message) => {
    expect(() => webhook.parse(body(text))).toThrow(WebhookPayloadError);
    expect(() => webhook.parse(body(text))).toThrow(message);
  });

  it("keeps an event of a type it does not know as unknown, with the raw item", () => {
    const item = { event: "brand_new_event", email: "a@b.com", timestamp: 1700000000 };
    const parsed = webhook.parse(body(JSON.stringify([item])));
    const events = webhook.toEvents(parsed.kind === "events" ? parsed.payload : null);
    expect(events).toMatchObject([{ type: "unknown", recipient: "a@b.com", raw: item }]);
  });

  it.each([
    ["not JSON", "payload"],
    ["an object instead of an array", '{"event":"delivered","timestamp":1}'],
    ["an item without event", '[{"email":"a@b.com","timestamp":1}]'],
    ["an item without timestamp", '[{"email":"a@b.com","event":"delivered"}]'],
  ])("refuses %s with a WebhookPayloadError", (_case, text) => {
    expect(() => webhook.parse(body(text))).toThrow(WebhookPayloadError);
  });

  it("refuses bytes that are not UTF-8", () => {
    expect(() =>
      webhook.parse(signedRequest({ rawBody: Uint8Array.of(0x5b, 0xff, 0x5d) })),
    ).toThrow(WebhookPayloadError);
  });

  it("refuses a payload toEvents was not given by parse", () => {
    expect(() => webhook.toEvents({ events: [] })).toThrow(WebhookPayloadError);
  });
});
