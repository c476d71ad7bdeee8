import { createHash, createHmac } from "node:crypto";
import {
  ConfigError,
  WebhookPayloadError,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import {
  createReplayKeyFake,
  fixtureRequest,
  readManifest,
  readSignatureVectors,
  runWebhookFixtures,
} from "@mailroute/core/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { createMailgunWebhook } from "./mailgun-webhook";

interface SignatureVector {
  id: string;
  fixture: string | null;
  signing_key: string;
  timestamp?: string;
  token?: string;
  signature?: string;
  body?: unknown;
  valid: boolean;
}

const vectors = (readSignatureVectors().mailgun as { vectors: SignatureVector[] }).vectors;
const cases = readManifest().filter((fixture) => fixture.provider === "mailgun");
const testKey = "TEST_WEBHOOK_SIGNING_KEY";
const signedFields = ["timestamp", "token", "signature"] as const;

function caseRequest(file: string): WebhookRequest {
  const fixture = cases.find((candidate) => candidate.file === file);
  if (!fixture) {
    throw new Error(`no corpus case for ${file}`);
  }
  return fixtureRequest(fixture);
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The request with its signed values replaced (the last ones of a form, as Mailgun puts them). */
function withSignature(
  request: WebhookRequest,
  values: Partial<Record<(typeof signedFields)[number], string>>,
): WebhookRequest {
  const text = new TextDecoder().decode(request.rawBody);
  if (request.headers["content-type"] === "application/json") {
    const body = JSON.parse(text) as { signature: Record<string, string> };
    body.signature = { ...body.signature, ...values };
    return { ...request, rawBody: encode(JSON.stringify(body)) };
  }
  const pairs = Array.from(new URLSearchParams(text));
  for (const name of signedFields) {
    const index = pairs.findLastIndex(([field]) => field === name);
    const value = values[name];
    if (index >= 0 && value !== undefined) {
      pairs[index] = [name, value];
    }
  }
  return { ...request, rawBody: encode(new URLSearchParams(pairs).toString()) };
}

function vectorRequest(vector: SignatureVector): WebhookRequest {
  if (vector.fixture === null) {
    return {
      method: "POST",
      url: "https://mailroute.example/webhooks/mailgun",
      headers: { "content-type": "application/json" },
      rawBody: encode(JSON.stringify(vector.body)),
    };
  }
  const { timestamp, token, signature } = vector;
  return withSignature(caseRequest(vector.fixture), { timestamp, token, signature });
}

let replayKeys = createReplayKeyFake();
beforeEach(() => {
  replayKeys = createReplayKeyFake();
});

/** The verification context at `now`, with the replay claims of this test alone. */
function contextAt(now: Date) {
  return { now, claimReplayKey: replayKeys.claimReplayKey };
}

function sign(timestamp: string, token: string, key = testKey): string {
  return createHmac("sha256", key).update(`${timestamp}${token}`).digest("hex");
}

async function verificationError(promise: Promise<void>): Promise<WebhookVerificationError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return error as WebhookVerificationError;
}

runWebhookFixtures({
  provider: "mailgun",
  webhook: createMailgunWebhook({ signingKey: testKey }),
});

describe("createMailgunWebhook verify: signatures.json vectors", () => {
  it.each(vectors.map((vector) => [vector.id, vector] as const))("%s", async (_id, vector) => {
    const timestamp = Number(vector.timestamp);
    const now = new Date(Number.isNaN(timestamp) ? 0 : timestamp * 1000);
    const result = createMailgunWebhook({ signingKey: vector.signing_key }).verify(
      vectorRequest(vector),
      contextAt(now),
    );
    if (vector.valid) {
      await expect(result).resolves.toBeUndefined();
    } else {
      await verificationError(result);
    }
  });
});

describe("createMailgunWebhook verify", () => {
  const request = caseRequest("mailgun/symfony-delivered.json");
  const signedAt = new Date(1661621787 * 1000);
  const key = "key-0p6mqbf74lb20gzq9f4dhpn9rg3zyk26";
  const webhook = () => createMailgunWebhook({ signingKey: key });

  it("verifies the corpus request as the fixture runner builds it", async () => {
    await expect(webhook().verify(request, contextAt(signedAt))).resolves.toBeUndefined();
  });

  it("refuses a changed token or timestamp: the parts of the body Mailgun signs", async () => {
    await verificationError(
      webhook().verify(withSignature(request, { token: "f".repeat(50) }), contextAt(signedAt)),
    );
    await verificationError(
      webhook().verify(withSignature(request, { timestamp: "1661621788" }), contextAt(signedAt)),
    );
  });

  it("refuses a signature made with the API key instead of the signing key", async () => {
    await verificationError(
      createMailgunWebhook({ signingKey: "key-api" }).verify(request, contextAt(signedAt)),
    );
  });

  it.each([
    ["is not hex", "z".repeat(64)],
    ["is cut short", sign("1661621787", "t").slice(0, 63)],
    ["is empty", ""],
  ])("refuses a signature that %s", async (_case, signature) => {
    await verificationError(
      webhook().verify(withSignature(request, { signature }), contextAt(signedAt)),
    );
  });

  it("refuses a body with no signature, a form without one, and a body that is not JSON", async () => {
    const formWithout = {
      ...request,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      rawBody: encode("event=delivered&timestamp=1661621787&token=abc"),
    };
    for (const unsigned of [
      { ...request, rawBody: encode('{"event-data":{"event":"delivered"}}') },
      formWithout,
      { ...request, rawBody: encode("not json") },
      { ...request, headers: { "content-type": "text/plain" } },
    ]) {
      const error = await verificationError(webhook().verify(unsigned, contextAt(signedAt)));
      expect(error.message).toMatch(/no timestamp/);
    }
  });

  it("accepts a timestamp 300 s away either way and refuses 301 s", async () => {
    const at = (offsetSeconds: number) =>
      contextAt(new Date(signedAt.getTime() + offsetSeconds * 1000));
    await expect(webhook().verify(request, at(300))).resolves.toBeUndefined();
    await expect(webhook().verify(request, at(-300))).resolves.toBeUndefined();
    const stale = await verificationError(webhook().verify(request, at(301)));
    expect(stale.message).toMatch(/tolerance/);
    await verificationError(webhook().verify(request, at(-301)));
  });

  it("uses the configured tolerance", async () => {
    const strict = createMailgunWebhook({ signingKey: key, toleranceSeconds: 30 });
    await verificationError(
      strict.verify(request, contextAt(new Date(signedAt.getTime() + 31_000))),
    );
  });

  it("refuses a token it has already accepted, even with other event data", async () => {
    const handler = webhook();
    await handler.verify(request, contextAt(signedAt));
    const body = JSON.parse(new TextDecoder().decode(request.rawBody)) as Record<string, unknown>;
    const forged = {
      ...request,
      rawBody: encode(JSON.stringify({ ...body, "event-data": { event: "complained" } })),
    };
    const replay = await verificationError(handler.verify(forged, contextAt(signedAt)));
    expect(replay.message).toMatch(/already used/);
  });

  it("keeps used tokens where the context records them, so a new handler (a restart) still refuses", async () => {
    await webhook().verify(request, contextAt(signedAt));
    const body = JSON.parse(new TextDecoder().decode(request.rawBody)) as Record<string, unknown>;
    const forged = {
      ...request,
      rawBody: encode(JSON.stringify({ ...body, "event-data": { event: "complained" } })),
    };
    const replay = await verificationError(webhook().verify(forged, contextAt(signedAt)));
    expect(replay.message).toMatch(/already used/);
    await expect(webhook().verify(request, contextAt(signedAt))).resolves.toBeUndefined();
  });

  it("claims the token with the body's SHA-256 until the timestamp leaves the tolerance", async () => {
    await webhook().verify(request, contextAt(signedAt));
    const { token } = JSON.parse(new TextDecoder().decode(request.rawBody)).signature as {
      token: string;
    };
    expect(replayKeys.claims).toEqual([
      {
        key: token,
        bodyDigest: createHash("sha256").update(request.rawBody).digest("hex"),
        expiresAt: new Date((1661621787 + 300) * 1000),
      },
    ]);
  });

  it("refuses to verify anything without a place to record used tokens", async () => {
    await expect(webhook().verify(request, { now: signedAt })).rejects.toThrow(/claimReplayKey/);
  });

  it("lets a retry of the same delivery through, since the server drops the copy by event id", async () => {
    const handler = webhook();
    await handler.verify(request, contextAt(signedAt));
    await expect(handler.verify(request, contextAt(signedAt))).resolves.toBeUndefined();
  });

  it("lets only one of two concurrent uses of a token with different event data through", async () => {
    const handler = webhook();
    const body = JSON.parse(new TextDecoder().decode(request.rawBody)) as Record<string, unknown>;
    const forged = {
      ...request,
      rawBody: encode(JSON.stringify({ ...body, "event-data": { event: "complained" } })),
    };
    const results = await Promise.allSettled([
      handler.verify(request, contextAt(signedAt)),
      handler.verify(forged, contextAt(signedAt)),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
  });

  it("does not record the token of a forgery, so the real request still passes", async () => {
    const handler = webhook();
    const forged = withSignature(request, { signature: sign("1661621787", "d1931d9645b6", "x") });
    await verificationError(handler.verify(forged, contextAt(signedAt)));
    await expect(handler.verify(request, contextAt(signedAt))).resolves.toBeUndefined();
  });

  it("checks the last timestamp, token and signature of a form post", async () => {
    const timestamp = "1700000000";
    const token = "real-token";
    const form = new URLSearchParams([
      ["event", "opened"],
      ["token", "variable"],
      ["timestamp", "variable"],
      ["signature", "variable"],
      ["token", token],
      ["timestamp", timestamp],
      ["signature", sign(timestamp, token)],
    ]);
    const posted: WebhookRequest = {
      ...request,
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      rawBody: encode(form.toString()),
    };
    const now = new Date(Number(timestamp) * 1000);
    await expect(
      createMailgunWebhook({ signingKey: testKey }).verify(posted, contextAt(now)),
    ).resolves.toBeUndefined();
  });

  it("verifies and reads a multipart legacy post, skipping its attachment", async () => {
    const timestamp = "1700000000";
    const token = "multipart-token";
    const boundary = "----mailgun-boundary";
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = [
      part("event", "dropped"),
      part("recipient", "Bounce@Example.com"),
      part("code", "605"),
      part("description", "Not delivering to previously bounced address"),
      part("Message-Id", "<20160421180324.70521.79375.96884DDB@example.com>"),
      `--${boundary}\r\nContent-Disposition: form-data; name="attachment-1"; filename="message.eml"\r\nContent-Type: message/rfc822\r\n\r\n\u00ff binary --${boundary}x\r\n`,
      part("timestamp", timestamp),
      part("token", token),
      part("signature", sign(timestamp, token)),
      `--${boundary}--\r\n`,
    ].join("");
    const posted: WebhookRequest = {
      ...request,
      headers: { "content-type": `multipart/form-data; boundary="${boundary}"` },
      rawBody: encode(body),
    };
    const handler = createMailgunWebhook({ signingKey: testKey });
    await handler.verify(posted, contextAt(new Date(Number(timestamp) * 1000)));
    const parsed = handler.parse(posted);
    const [event] = handler.toEvents(parsed.kind === "events" ? parsed.payload : null);
    expect(event).toMatchObject({
      type: "rejected",
      recipient: "bounce@example.com",
      providerMessageId: "20160421180324.70521.79375.96884DDB@example.com",
      smtpCode: 605,
      dedupeKey: token,
      occurredAt: "2023-11-14T22:13:20.000Z",
    });
    expect(Object.keys(event?.raw as object)).not.toContain("attachment-1");
  });
});

describe("createMailgunWebhook settings", () => {
  it.each([
    ["a missing signing key", {}],
    ["an empty signing key", { signingKey: "" }],
    ["a negative tolerance", { signingKey: "k", toleranceSeconds: -1 }],
    ["a misspelt option", { signingKey: "k", tolerance: 60 }],
  ])("refuses %s with a ConfigError", (_case, settings) => {
    expect(() => createMailgunWebhook(settings as { signingKey: string })).toThrow(ConfigError);
  });

  it("never echoes the signing key", () => {
    let caught: unknown = null;
    try {
      createMailgunWebhook({ signingKey: "secret-signing-key", toleranceSeconds: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(JSON.stringify(caught)).not.toContain("secret-signing-key");
    expect(String(caught)).not.toContain("secret-signing-key");
  });
});

describe("createMailgunWebhook parse", () => {
  const webhook = createMailgunWebhook({ signingKey: testKey });
  const json = (text: string): WebhookRequest => ({
    method: "POST",
    url: "https://mailroute.example/webhooks/mailgun",
    headers: { "content-type": "application/json" },
    rawBody: encode(text),
  });

  it.each([
    ["a body that is not JSON", json("{")],
    ["a JSON array", json("[]")],
    [
      "a body without event-data",
      json('{"signature":{"timestamp":"1","token":"t","signature":"s"}}'),
    ],
    [
      "an event without a name",
      json('{"signature":{"timestamp":"1","token":"t","signature":"s"},"event-data":{}}'),
    ],
    [
      "an inbound route's form post (no event)",
      {
        ...json("sender=a%40b.com&timestamp=1&token=t&signature=s"),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
    ],
    [
      "a form post without timestamp",
      { ...json("event=opened"), headers: { "content-type": "application/x-www-form-urlencoded" } },
    ],
    [
      "a body of another type",
      { ...json("event=opened"), headers: { "content-type": "text/plain" } },
    ],
    [
      "a multipart body without its closing boundary",
      {
        ...json('--b\r\nContent-Disposition: form-data; name="event"\r\n\r\nopened\r\n'),
        headers: { "content-type": "multipart/form-data; boundary=b" },
      },
    ],
  ])("refuses %s with a WebhookPayloadError", (_case, request) => {
    expect(() => webhook.parse(request)).toThrow(WebhookPayloadError);
  });

  const form = (text: string): WebhookRequest => ({
    ...json(text),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  const signatureBlock = '"signature":{"timestamp":"1","token":"t","signature":"s"}';

  it.each([
    ["a JSON object of another shape", json('{"x":1}'), /not a Mailgun webhook body/],
    ["a JSON number", json("1"), /not a Mailgun webhook body/],
    ["a JSON string", json('"delivered"'), /not a Mailgun webhook body/],
    [
      "event-data with an empty event name",
      json(`{${signatureBlock},"event-data":{"event":""}}`),
      /event-data/,
    ],
    ["a form post with an empty event", form("event=&timestamp=1&token=t&signature=s"), /no event/],
    ["a form post without token and signature", form("event=delivered&timestamp=1"), /no token/],
    ["a form post of other fields", form("x=1"), /no event/],
  ])("refuses %s: none of Mailgun's event shape", (_case, request, message) => {
    expect(() => webhook.parse(request)).toThrow(WebhookPayloadError);
    expect(() => webhook.parse(request)).toThrow(message);
  });

  it.each([
    ["a JSON event", json(`{${signatureBlock},"event-data":{"event":"brand_new","id":"e1"}}`)],
    ["a form post", form("event=brand_new&timestamp=1&token=t&signature=s")],
  ])("keeps %s of a type it does not know as unknown, with the raw event", (_case, request) => {
    const parsed = webhook.parse(request);
    const [event] = webhook.toEvents(parsed.kind === "events" ? parsed.payload : null);
    expect(event).toMatchObject({
      type: "unknown",
      raw: expect.objectContaining({ event: "brand_new" }),
    });
  });

  it("refuses a payload toEvents was not given by parse", () => {
    expect(() => webhook.toEvents({ "event-data": { event: "delivered" } })).toThrow(
      WebhookPayloadError,
    );
  });
});
