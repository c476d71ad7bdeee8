import { readFileSync } from "node:fs";
import {
  ConfigError,
  MailrouteError,
  WebhookPayloadError,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import {
  fixtureRequest,
  type ManifestCase,
  readManifest,
  readSignatureVectors,
  runWebhookFixtures,
  webhookFixturesFolder,
} from "@mailroute/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestSigner, type TestSigner } from "./__fixtures__/ses-test-signer";
import { createSesWebhook } from "./ses-webhook";

runWebhookFixtures({
  provider: "ses",
  webhook: createSesWebhook(),
});

const certificateUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem";
const topicArn = "arn:aws:sns:us-east-1:123456789012:mailroute-ses";
const cases = readManifest().filter((fixture) => fixture.provider === "ses");

let signer: TestSigner;
beforeAll(() => {
  signer = createTestSigner();
});

/** A fetch that serves the test certificate at `certificateUrl` and records every call. */
function certificateServer(pem = () => signer.certificatePem) {
  const calls: string[] = [];
  const fetcher = (async (input: Parameters<typeof fetch>[0]) => {
    const url = String(input);
    calls.push(url);
    return url === certificateUrl ? new Response(pem()) : new Response("", { status: 404 });
  }) as typeof fetch;
  return { calls, fetch: fetcher };
}

function readEnvelope(fixture: ManifestCase): Record<string, unknown> {
  return JSON.parse(readFileSync(`${webhookFixturesFolder}${fixture.file}`, "utf8"));
}

/** The corpus envelope re-signed with the test key, on the test topic (trimmed cases get a time). */
function signedRequest(
  fixture: ManifestCase,
  version: "1" | "2" = "2",
  change: (envelope: Record<string, unknown>) => void = () => {},
): { request: WebhookRequest; now: Date } {
  const envelope = {
    Timestamp: "2018-03-26T17:58:59.675Z",
    ...readEnvelope(fixture),
    TopicArn: topicArn,
    SigningCertURL: certificateUrl,
  };
  const signed = signer.signEnvelope(envelope, version);
  change(signed);
  const request = fixtureRequest(fixture);
  request.rawBody = new TextEncoder().encode(JSON.stringify(signed));
  return { request, now: new Date(Date.parse(envelope.Timestamp) + 30_000) };
}

function fixture(id: string): ManifestCase {
  const found = cases.find((item) => item.id === `ses/${id}`);
  expect(found, id).toBeDefined();
  return found!;
}

async function verifyError(promise: Promise<void>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

describe("createSesWebhook verify", () => {
  it("has no AWS signature vector in the corpus (placeholder signatures only)", () => {
    const vectors = readSignatureVectors() as { not_covered: Record<string, string> };
    expect(vectors.not_covered.ses).toMatch(/EXAMPLE-SIGNATURE/);
  });

  for (const version of ["1", "2"] as const) {
    it(`accepts every corpus envelope signed with SignatureVersion ${version}`, async () => {
      const webhook = createSesWebhook({ topicArns: [topicArn] });
      const server = certificateServer();
      for (const item of cases) {
        const { request, now } = signedRequest(item, version);
        await expect(webhook.verify(request, { now, fetch: server.fetch }), item.id).resolves.toBe(
          undefined,
        );
      }
      // One download for every message: certificates are kept per URL.
      expect(server.calls).toEqual([certificateUrl]);
    });
  }

  it("keeps the corpus topics when no allow-list is set", async () => {
    const server = certificateServer();
    const item = fixture("sns-subscription-confirmation");
    const { request, now } = signedRequest(item, "1");
    await expect(createSesWebhook().verify(request, { now, fetch: server.fetch })).resolves.toBe(
      undefined,
    );
  });

  it.each([
    [
      "a tampered Message",
      (envelope: Record<string, unknown>) => {
        envelope.Message = String(envelope.Message).replace("Permanent", "Transient");
      },
    ],
    [
      "a tampered MessageId",
      (envelope: Record<string, unknown>) => {
        envelope.MessageId = "another-id";
      },
    ],
    [
      "an added Subject",
      (envelope: Record<string, unknown>) => {
        envelope.Subject = "hello";
      },
    ],
    [
      "a signature from another key",
      (envelope: Record<string, unknown>) => {
        envelope.Signature = createTestSigner().signEnvelope(envelope, "2").Signature;
      },
    ],
    [
      "a signature that is not base64",
      (envelope: Record<string, unknown>) => {
        envelope.Signature = "not base64!";
      },
    ],
    [
      "a version-1 signature labelled version 2",
      (envelope: Record<string, unknown>) => {
        envelope.Signature = signer.signEnvelope(envelope, "1").Signature;
      },
    ],
    [
      "an unknown SignatureVersion",
      (envelope: Record<string, unknown>) => {
        envelope.SignatureVersion = "3";
      },
    ],
    [
      "no Signature",
      (envelope: Record<string, unknown>) => {
        delete envelope.Signature;
      },
    ],
  ])("refuses %s", async (_case, change) => {
    const item = fixture("anymail-bounce-two-recipients");
    const { request, now } = signedRequest(item, "2", change);
    // The header follows the body, so only the signature can tell.
    request.headers["x-amz-sns-message-id"] = String(
      JSON.parse(new TextDecoder().decode(request.rawBody)).MessageId,
    );
    const server = certificateServer();
    const error = await verifyError(
      createSesWebhook().verify(request, { now, fetch: server.fetch }),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
  });

  it("refuses a topic outside the allow-list before fetching anything", async () => {
    const server = certificateServer();
    const webhook = createSesWebhook({ topicArns: ["arn:aws:sns:us-east-1:123456789012:other"] });
    const { request, now } = signedRequest(fixture("anymail-delivery"));
    const error = await verifyError(webhook.verify(request, { now, fetch: server.fetch }));
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(server.calls).toEqual([]);
  });

  it("refuses a topic header that differs from the signed TopicArn", async () => {
    const { request, now } = signedRequest(fixture("anymail-delivery"));
    request.headers["x-amz-sns-topic-arn"] = "arn:aws:sns:us-east-1:123456789012:other";
    const error = await verifyError(
      createSesWebhook().verify(request, { now, fetch: certificateServer().fetch }),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
  });

  it.each([
    "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem",
    "https://sns.us-east-1.amazonaws.com.attacker.example/SimpleNotificationService-test.pem",
    "https://attacker.example/sns.us-east-1.amazonaws.com.pem",
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.txt",
    "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-test.pem",
    "https://user@sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem",
    "https://s3.amazonaws.com/SimpleNotificationService-test.pem",
    "not a url",
  ])("refuses SigningCertURL %s without fetching it", async (url) => {
    const server = certificateServer();
    const { request, now } = signedRequest(fixture("anymail-delivery"), "2", (envelope) => {
      envelope.SigningCertURL = url;
    });
    const error = await verifyError(
      createSesWebhook().verify(request, { now, fetch: server.fetch }),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(server.calls).toEqual([]);
  });

  it("accepts a China-partition certificate host", async () => {
    const chinaUrl = "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-test.pem";
    const fetcher = (async () => new Response(signer.certificatePem)) as unknown as typeof fetch;
    const { request, now } = signedRequest(fixture("anymail-delivery"), "2");
    const envelope = JSON.parse(new TextDecoder().decode(request.rawBody));
    request.rawBody = new TextEncoder().encode(
      JSON.stringify(signer.signEnvelope({ ...envelope, SigningCertURL: chinaUrl }, "2")),
    );
    await expect(createSesWebhook().verify(request, { now, fetch: fetcher })).resolves.toBe(
      undefined,
    );
  });

  it("refuses a SubscribeURL off the SNS host, in verify and in parse", async () => {
    const item = fixture("sns-subscription-confirmation");
    const { request, now } = signedRequest(item, "2", (envelope) => {
      envelope.SubscribeURL = "https://169.254.169.254/latest/meta-data/";
    });
    const webhook = createSesWebhook();
    const error = await verifyError(
      webhook.verify(request, { now, fetch: certificateServer().fetch }),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(() => webhook.parse(request)).toThrow(WebhookVerificationError);
  });

  it("refuses a Timestamp outside the tolerance either way, and honours toleranceSeconds", async () => {
    const { request } = signedRequest(fixture("anymail-open"));
    const sentAt = Date.parse("2018-03-26T17:58:59.675Z");
    const server = certificateServer();
    for (const offset of [301_000, -301_000]) {
      const now = new Date(sentAt + offset);
      const error = await verifyError(
        createSesWebhook().verify(request, { now, fetch: server.fetch }),
      );
      expect(error).toBeInstanceOf(WebhookVerificationError);
    }
    const patient = createSesWebhook({ toleranceSeconds: 3600 });
    await expect(
      patient.verify(request, { now: new Date(sentAt + 1_800_000), fetch: server.fetch }),
    ).resolves.toBeUndefined();
  });

  it.each([
    ["a missing x-amz-sns-message-type", "x-amz-sns-message-type", undefined],
    [
      "a message type header that differs from Type",
      "x-amz-sns-message-type",
      "SubscriptionConfirmation",
    ],
    ["a missing x-amz-sns-message-id", "x-amz-sns-message-id", undefined],
  ])("refuses %s", async (_case, header, value) => {
    const { request, now } = signedRequest(fixture("anymail-click"));
    if (value === undefined) {
      delete request.headers[header];
    } else {
      request.headers[header] = value;
    }
    const error = await verifyError(
      createSesWebhook().verify(request, { now, fetch: certificateServer().fetch }),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
  });

  it("refuses a body that is not an SNS message", async () => {
    const request = { ...fixtureRequest(fixture("anymail-click")), rawBody: Uint8Array.of(0xff) };
    const error = await verifyError(
      createSesWebhook().verify(request, { now: new Date(), fetch: certificateServer().fetch }),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
  });

  it("refuses a certificate that is not valid at the message's time", async () => {
    const expired = createTestSigner({
      notBefore: new Date("2010-01-01T00:00:00Z"),
      notAfter: new Date("2015-01-01T00:00:00Z"),
    });
    const server = certificateServer(() => expired.certificatePem);
    const { now } = signedRequest(fixture("anymail-open"));
    const envelope = expired.signEnvelope(
      {
        ...readEnvelope(fixture("anymail-open")),
        TopicArn: topicArn,
        SigningCertURL: certificateUrl,
      },
      "2",
    );
    const request = fixtureRequest(fixture("anymail-open"));
    request.rawBody = new TextEncoder().encode(JSON.stringify(envelope));
    const error = await verifyError(
      createSesWebhook().verify(request, { now, fetch: server.fetch }),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
  });

  it("refuses what the certificate URL serves when it is not a certificate", async () => {
    const server = certificateServer(() => "<html>not a certificate</html>");
    const { request, now } = signedRequest(fixture("anymail-open"));
    const error = await verifyError(
      createSesWebhook().verify(request, { now, fetch: server.fetch }),
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
  });

  it("answers a failed certificate download with a server error, so SNS retries, and tries again", async () => {
    let isDown = true;
    const fetcher = (async () => {
      if (isDown) {
        throw new TypeError("fetch failed");
      }
      return new Response(signer.certificatePem);
    }) as unknown as typeof fetch;
    const webhook = createSesWebhook();
    const { request, now } = signedRequest(fixture("anymail-open"));
    const error = await verifyError(webhook.verify(request, { now, fetch: fetcher }));
    expect(error).toBeInstanceOf(MailrouteError);
    expect(error).not.toBeInstanceOf(WebhookVerificationError);
    expect((error as MailrouteError).code).toBe("INTERNAL_ERROR");
    isDown = false;
    await expect(webhook.verify(request, { now, fetch: fetcher })).resolves.toBeUndefined();
  });

  it("lets a resent message verify again: SNS retries with the same MessageId, and dedupeKey drops the copy", async () => {
    const webhook = createSesWebhook();
    const { request, now } = signedRequest(fixture("anymail-bounce-two-recipients"));
    const context = { now, fetch: certificateServer().fetch };
    const keys = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      await webhook.verify(request, context);
      const parsed = webhook.parse(request);
      expect(parsed.kind).toBe("events");
      if (parsed.kind === "events") {
        keys.push(webhook.toEvents(parsed.payload).map((event) => event.dedupeKey));
      }
    }
    expect(keys[0]).toEqual([
      "19ba9823-d7f2-53c1-860e-cb10e0d13dfc:jane@example.com",
      "19ba9823-d7f2-53c1-860e-cb10e0d13dfc:richard@example.com",
    ]);
    expect(keys[1]).toEqual(keys[0]);
  });
});

describe("createSesWebhook parse", () => {
  const webhook = createSesWebhook();

  it("turns a subscription confirmation into the URL to confirm", () => {
    expect(webhook.parse(fixtureRequest(fixture("sns-subscription-confirmation")))).toEqual({
      kind: "subscribe",
      confirmUrl: "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=...",
    });
  });

  it("ignores an unsubscribe confirmation and SES's plain-text topic check", () => {
    expect(webhook.parse(fixtureRequest(fixture("sns-unsubscribe-confirmation"))).kind).toBe(
      "ignore",
    );
    expect(webhook.parse(fixtureRequest(fixture("sns-notification-validation-text"))).kind).toBe(
      "ignore",
    );
  });

  it("refuses an SES inbound notification on this tracking endpoint", () => {
    expect(() => webhook.parse(fixtureRequest(fixture("misrouted-inbound-received")))).toThrow(
      WebhookPayloadError,
    );
  });

  function requestWith(envelope: Record<string, unknown>): WebhookRequest {
    const request = fixtureRequest(fixture("anymail-open"));
    return { ...request, rawBody: new TextEncoder().encode(JSON.stringify(envelope)) };
  }

  it("ignores SES's subscription-succeeded notice", () => {
    const message = JSON.stringify({ notificationType: "AmazonSnsSubscriptionSucceeded" });
    const parsed = webhook.parse(
      requestWith({
        Type: "Notification",
        MessageId: "m",
        Message: message,
        Timestamp: "2024-01-01T00:00:00Z",
      }),
    );
    expect(parsed.kind).toBe("ignore");
  });

  it("refuses an SES record nested deeper than 64 levels inside the SNS Message", () => {
    const envelope = readEnvelope(fixture("anymail-open"));
    const record = JSON.parse(String(envelope.Message)) as Record<string, unknown>;
    const deep = JSON.stringify({ ...record, deep: [] }).replace(
      '"deep":[]',
      `"deep":${"[".repeat(10_000)}${"]".repeat(10_000)}`,
    );
    expect(() => webhook.parse(requestWith({ ...envelope, Message: deep }))).toThrow(
      new WebhookPayloadError("SES webhook body nests deeper than 64 levels"),
    );
  });

  it.each([
    ["a body that is not JSON", "not json"],
    ["an unknown SNS Type", { Type: "Hello", MessageId: "m", Message: "x" }],
    ["a notification without a Timestamp", { Type: "Notification", MessageId: "m", Message: "{}" }],
    [
      "an SES record of the wrong shape",
      {
        Type: "Notification",
        MessageId: "m",
        Message: JSON.stringify({ eventType: "Bounce", bounce: { bouncedRecipients: "x" } }),
        Timestamp: "2024-01-01T00:00:00Z",
      },
    ],
  ])("refuses %s", (_case, body) => {
    const request =
      typeof body === "string"
        ? { ...fixtureRequest(fixture("anymail-open")), rawBody: new TextEncoder().encode(body) }
        : requestWith(body);
    expect(() => webhook.parse(request)).toThrow(WebhookPayloadError);
  });
});

describe("createSesWebhook parse: the SES record inside the SNS message", () => {
  const webhook = createSesWebhook();
  const notification = (message: string): WebhookRequest => ({
    ...fixtureRequest(fixture("anymail-open")),
    rawBody: new TextEncoder().encode(
      JSON.stringify({
        Type: "Notification",
        MessageId: "m",
        Message: message,
        Timestamp: "2024-01-01T00:00:00Z",
      }),
    ),
  });

  it.each([
    ["an object of another shape", '{"x":1}'],
    ["an empty object", "{}"],
    ["an empty array", "[]"],
    ["an array of another shape", '[{"x":1}]'],
    ["a JSON number", "1"],
    ["a JSON string", '"Bounce"'],
  ])("refuses %s: none of SES's record shape", (_case, message) => {
    expect(() => webhook.parse(notification(message))).toThrow(WebhookPayloadError);
    expect(() => webhook.parse(notification(message))).toThrow(/not an SES event record/);
  });

  it("refuses a record that names no kind with a message that says so", () => {
    expect(() => webhook.parse(notification('{"mail":{"messageId":"x"}}'))).toThrow(
      /neither eventType nor notificationType/,
    );
  });

  it("keeps a record of an eventType it does not know as unknown, with the raw record", () => {
    const record = {
      eventType: "BrandNewEvent",
      mail: { messageId: "x", destination: ["a@b.com"] },
    };
    const parsed = webhook.parse(notification(JSON.stringify(record)));
    const events = webhook.toEvents(parsed.kind === "events" ? parsed.payload : null);
    expect(events).toMatchObject([{ type: "unknown", recipient: "a@b.com", raw: record }]);
  });
});

describe("createSesWebhook settings", () => {
  it.each([
    ["a topic that is not an SNS ARN", { topicArns: ["arn:aws:sqs:us-east-1:123456789012:q"] }],
    ["an empty allow-list", { topicArns: [] }],
    ["a zero tolerance", { toleranceSeconds: 0 }],
    ["an unknown key", { secret: "x" }],
  ])("throws ConfigError for %s", (_case, value) => {
    expect(() => createSesWebhook(value as never)).toThrow(ConfigError);
  });
});
