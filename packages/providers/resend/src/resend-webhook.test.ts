import { type ProviderEvent, WebhookPayloadError, WebhookVerificationError } from "@mailroute/core";
import {
  createReplayKeyFake,
  expectedEvent,
  fixtureRequest,
  type ManifestCase,
  readManifest,
  readSignatureVectors,
  runWebhookFixtures,
} from "@mailroute/core/testing";
import { Webhook } from "standardwebhooks";
import { beforeEach, describe, expect, it } from "vitest";
import { createResendWebhook } from "./resend-webhook";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const signedAt = new Date("2026-01-15T10:00:00Z");
const body =
  '{"type":"email.delivered","created_at":"2026-01-15T09:59:59.123Z","data":{"email_id":"e-1","to":["a@example.com"]}}';

runWebhookFixtures({
  provider: "resend",
  webhook: createResendWebhook({ secret }),
});

let replayKeys = createReplayKeyFake();
beforeEach(() => {
  replayKeys = createReplayKeyFake();
});

/** The verification context at `now`, with the replay claims of this test alone. */
function contextAt(now: Date) {
  return { now, claimReplayKey: replayKeys.claimReplayKey };
}

function manifestCase(id: string): ManifestCase {
  const found = readManifest().find((fixture) => fixture.id === id);
  if (!found) {
    throw new Error(`no corpus case ${id}`);
  }
  return found;
}

/** A request signed the way Svix signs one, with the library's own signer. */
function signedRequest(options: {
  payload?: string;
  id?: string;
  at?: Date;
  signingSecret?: string;
}) {
  const payload = options.payload ?? body;
  const id = options.id ?? "msg_1";
  const at = options.at ?? signedAt;
  return {
    method: "POST",
    url: "https://mailroute.example/webhooks/resend",
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": new Webhook(options.signingSecret ?? secret).sign(id, at, payload),
    },
    rawBody: new TextEncoder().encode(payload),
  };
}

describe("resend/anymail-sent with string metadata", () => {
  it('normalizes as the manifest says, user_id as the string "123456"', () => {
    const fixture = manifestCase("resend/anymail-sent");
    const webhook = createResendWebhook({ secret });
    const parsed = webhook.parse(fixtureRequest(fixture));
    const events = parsed.kind === "events" ? webhook.toEvents(parsed.payload) : [];
    const manifestEvent = fixture.events[0]!;
    const { occurredAt: _occurredAt, ...expected } = expectedEvent(manifestEvent);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      ...expected,
      metadata: { cohort: "2018-08-B", user_id: "123456" },
    } satisfies Partial<ProviderEvent>);
    expect(events[0]?.occurredAt).toBe("2023-09-28T17:19:43.736Z");
    expect(events[0]?.dedupeKey).toBe("msg_2W2D3qXLS5fOaPja1GDg7rF2CwB");
  });
});

describe("createResendWebhook verify: signatures.json svix vectors", () => {
  const { svix } = readSignatureVectors() as {
    svix: {
      vectors: {
        id: string;
        secret: string;
        svix_id: string;
        svix_timestamp: string;
        svix_signature: string;
        payload_base64: string;
        valid: boolean;
      }[];
    };
  };

  for (const vector of svix.vectors) {
    it(`${vector.valid ? "accepts" : "refuses"} ${vector.id}`, async () => {
      // A fresh handler per vector: several vectors share one svix-id and timestamp.
      const webhook = createResendWebhook({ secret: vector.secret });
      const request = {
        method: "POST",
        url: "https://mailroute.example/webhooks/resend",
        headers: {
          "svix-id": vector.svix_id,
          "svix-timestamp": vector.svix_timestamp,
          "svix-signature": vector.svix_signature,
        },
        rawBody: new Uint8Array(Buffer.from(vector.payload_base64, "base64")),
      };
      const verification = webhook.verify(
        request,
        contextAt(new Date(Number(vector.svix_timestamp) * 1000)),
      );
      if (vector.valid) {
        await expect(verification).resolves.toBeUndefined();
      } else {
        await expect(verification).rejects.toBeInstanceOf(WebhookVerificationError);
      }
    });
  }

  it("verifies the signed corpus case with its headers, then parses it", async () => {
    const fixture = manifestCase("resend/symfony-sent-crlf-signed");
    const webhook = createResendWebhook({ secret: "whsec_ESwTAuuIe3yfH4DgdgI+ENsiNzPAGdp+" });
    const request = fixtureRequest(fixture);
    await webhook.verify(request, contextAt(new Date(1712569389 * 1000)));
    const parsed = webhook.parse(request);
    expect(parsed.kind).toBe("events");
  });
});

describe("createResendWebhook verify", () => {
  it("accepts a request signed with the secret", async () => {
    const webhook = createResendWebhook({ secret });
    await expect(webhook.verify(signedRequest({}), contextAt(signedAt))).resolves.toBeUndefined();
  });

  it("accepts Standard Webhooks header names", async () => {
    const webhook = createResendWebhook({ secret });
    const { headers, ...rest } = signedRequest({});
    const request = {
      ...rest,
      headers: {
        "webhook-id": headers["svix-id"],
        "webhook-timestamp": headers["svix-timestamp"],
        "webhook-signature": headers["svix-signature"],
      },
    };
    await expect(webhook.verify(request, contextAt(signedAt))).resolves.toBeUndefined();
  });

  it("refuses a tampered body", async () => {
    const webhook = createResendWebhook({ secret });
    const request = signedRequest({});
    request.rawBody = new TextEncoder().encode(body.replace("a@example.com", "b@example.com"));
    await expect(webhook.verify(request, contextAt(signedAt))).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it("refuses a request signed with another secret", async () => {
    const webhook = createResendWebhook({ secret });
    const request = signedRequest({ signingSecret: "whsec_d3Jvbmcgc2lnbmluZyBrZXk=" });
    await expect(webhook.verify(request, contextAt(signedAt))).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it.each(["svix-id", "svix-timestamp", "svix-signature"])(
    "refuses a request without %s",
    async (name) => {
      const webhook = createResendWebhook({ secret });
      const request = signedRequest({});
      const headers: Record<string, string> = { ...request.headers };
      delete headers[name];
      await expect(webhook.verify({ ...request, headers }, contextAt(signedAt))).rejects.toThrow(
        WebhookVerificationError,
      );
    },
  );

  it("refuses a timestamp that is not a Unix time", async () => {
    const webhook = createResendWebhook({ secret });
    const request = signedRequest({});
    request.headers["svix-timestamp"] = "2026-01-15T10:00:00Z";
    await expect(webhook.verify(request, contextAt(signedAt))).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it("refuses a signature header without a v1 entry", async () => {
    const webhook = createResendWebhook({ secret });
    const request = signedRequest({});
    request.headers["svix-signature"] = request.headers["svix-signature"].replace("v1,", "v1a,");
    await expect(webhook.verify(request, contextAt(signedAt))).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it("refuses a timestamp more than five minutes old or ahead, and accepts one just inside", async () => {
    const webhook = createResendWebhook({ secret });
    const request = signedRequest({});
    const at = (seconds: number) => contextAt(new Date(signedAt.getTime() + seconds * 1000));
    await expect(webhook.verify(request, at(301))).rejects.toThrow(WebhookVerificationError);
    await expect(webhook.verify(request, at(-301))).rejects.toThrow(WebhookVerificationError);
    await expect(webhook.verify(request, at(300))).resolves.toBeUndefined();
  });

  it("uses the configured tolerance", async () => {
    const webhook = createResendWebhook({ secret, toleranceSeconds: 900 });
    const now = new Date(signedAt.getTime() + 800_000);
    await expect(webhook.verify(signedRequest({}), contextAt(now))).resolves.toBeUndefined();
  });

  it("refuses a second copy of the same signed request (replay)", async () => {
    const webhook = createResendWebhook({ secret });
    const request = signedRequest({});
    await webhook.verify(request, contextAt(signedAt));
    await expect(webhook.verify(request, contextAt(signedAt))).rejects.toThrow(/replay/);
  });

  it("keeps the claim where the context records it, so a new handler (a restart) still refuses", async () => {
    const request = signedRequest({});
    await createResendWebhook({ secret }).verify(request, contextAt(signedAt));
    await expect(
      createResendWebhook({ secret }).verify(request, contextAt(signedAt)),
    ).rejects.toThrow(/replay/);
    expect(replayKeys.claims[0]).toEqual({
      key: `msg_1.${signedAt.getTime()}`,
      bodyDigest: null,
      expiresAt: new Date(signedAt.getTime() + 300_000),
    });
  });

  it("refuses to verify anything without a place to record claims", async () => {
    await expect(
      createResendWebhook({ secret }).verify(signedRequest({}), { now: signedAt }),
    ).rejects.toThrow(/claimReplayKey/);
  });

  it("refuses a copy whose timestamp header is zero-padded (it signs the same)", async () => {
    const webhook = createResendWebhook({ secret });
    const request = signedRequest({});
    await webhook.verify(request, contextAt(signedAt));
    const padded = {
      ...request,
      headers: { ...request.headers, "svix-timestamp": `0${request.headers["svix-timestamp"]}` },
    };
    await expect(webhook.verify(padded, contextAt(signedAt))).rejects.toThrow(/replay/);
  });

  it("accepts Svix's retry of the same event, re-signed with a new timestamp", async () => {
    const webhook = createResendWebhook({ secret });
    const later = new Date(signedAt.getTime() + 5_000);
    await webhook.verify(signedRequest({}), contextAt(signedAt));
    await expect(
      webhook.verify(signedRequest({ at: later }), contextAt(later)),
    ).resolves.toBeUndefined();
  });

  it("refuses a body that is not UTF-8", async () => {
    const webhook = createResendWebhook({ secret });
    const request = signedRequest({});
    request.rawBody = new Uint8Array([0x7b, 0xff, 0x7d]);
    await expect(webhook.verify(request, contextAt(signedAt))).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it("does not echo the secret in its errors", async () => {
    const webhook = createResendWebhook({ secret });
    const request = signedRequest({ signingSecret: "whsec_d3Jvbmcgc2lnbmluZyBrZXk=" });
    const error = await webhook.verify(request, contextAt(signedAt)).catch((caught) => caught);
    expect(String(error.message)).not.toContain("MfKQ9r8G");
  });
});

describe("createResendWebhook parse", () => {
  const webhook = createResendWebhook({ secret });

  it("carries the svix-id beside the body", () => {
    const parsed = webhook.parse(signedRequest({ id: "msg_abc" }));
    expect(parsed).toEqual({
      kind: "events",
      payload: { webhookId: "msg_abc", body: JSON.parse(body) },
    });
  });

  it("ignores events that concern no message", () => {
    const parsed = webhook.parse(
      signedRequest({
        payload: '{"type":"contact.created","created_at":"2026-01-15T10:00:00Z","data":{}}',
      }),
    );
    expect(parsed).toMatchObject({ kind: "ignore" });
  });

  it.each([
    ["a body that is not JSON", "not json"],
    ["a body without a type", '{"data":{}}'],
    [
      "an email event without email_id",
      '{"type":"email.sent","created_at":"2026-01-15T10:00:00Z","data":{}}',
    ],
    [
      "an email event with a bad date",
      '{"type":"email.sent","created_at":"yesterday","data":{"email_id":"e"}}',
    ],
    [
      "an email event nested deeper than 64 levels",
      body.replace('"data":{', `"data":{"deep":${"[".repeat(10_000)}${"]".repeat(10_000)},`),
    ],
  ])("refuses %s", (_case, payload) => {
    expect(() => webhook.parse(signedRequest({ payload }))).toThrow(WebhookPayloadError);
  });

  it.each([
    ["an object of another shape", '{"x":1}', /Resend webhook body is not a Resend event/],
    ["an empty array", "[]", /not a Resend event/],
    ["an array of events", '[{"type":"email.sent"}]', /not a Resend event/],
    ["a JSON number", "1", /not a Resend event/],
    ["a JSON string", '"email.sent"', /not a Resend event/],
    // Not ignored as "concerns no message": without created_at and data it is no Resend event.
    ["a bare type", '{"type":"contact.created"}', /not a Resend event: .*created_at/s],
    ["an empty type", '{"type":"","created_at":"2026-01-15T10:00:00Z","data":{}}', /type/],
  ])("refuses %s: none of Resend's event shape", (_case, payload, message) => {
    expect(() => webhook.parse(signedRequest({ payload }))).toThrow(WebhookPayloadError);
    expect(() => webhook.parse(signedRequest({ payload }))).toThrow(message);
  });

  it("keeps an email event of a type it does not know as unknown, with the raw body", () => {
    const event = {
      type: "email.brand_new",
      created_at: "2026-01-15T10:00:00Z",
      data: { email_id: "e1", to: ["a@b.com"] },
    };
    const parsed = webhook.parse(signedRequest({ payload: JSON.stringify(event) }));
    const events = webhook.toEvents(parsed.kind === "events" ? parsed.payload : null);
    expect(events).toMatchObject([{ type: "unknown", recipient: "a@b.com", raw: event }]);
  });
});

describe("createResendWebhook settings", () => {
  it.each([
    ["an empty secret", { secret: "" }],
    ["a secret that is not base64", { secret: "whsec_not base64!" }],
    ["a zero tolerance", { secret, toleranceSeconds: 0 }],
    ["an unknown key", { secret, signingKey: "x" }],
  ])("refuses %s with a ConfigError", (_case, settings) => {
    expect(() => createResendWebhook(settings as { secret: string })).toThrow(/Resend webhook/);
  });
});
