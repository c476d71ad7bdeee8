import {
  ConfigError,
  WebhookPayloadError,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import {
  basicAuthorization,
  fixtureRequest,
  readManifest,
  readSignatureVectors,
  runWebhookFixtures,
} from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { createPostmarkWebhook } from "./postmark-webhook";

const settings = { username: "postmark-hook", password: "s3cret-pässword" };
const webhook = createPostmarkWebhook(settings);
const context = { now: new Date("2024-01-01T00:00:00Z") };

runWebhookFixtures({ provider: "postmark", webhook });

function deliveryRequest(headers: Record<string, string> = {}): WebhookRequest {
  const fixture = readManifest().find((item) => item.id === "postmark/anymail-delivery");
  const request = fixtureRequest(fixture!);
  return { ...request, headers: { ...request.headers, ...headers } };
}

describe("createPostmarkWebhook verify", () => {
  it("has no signature vectors to check: Postmark signs nothing", () => {
    const vectors = readSignatureVectors() as { not_covered: Record<string, string> };
    expect(vectors.not_covered.postmark).toMatch(/Basic auth/);
  });

  it("accepts every corpus request that carries the configured credentials", async () => {
    const authorization = basicAuthorization(settings.username, settings.password);
    for (const fixture of readManifest().filter((item) => item.provider === "postmark")) {
      const request = fixtureRequest(fixture);
      request.headers.authorization = authorization;
      await expect(webhook.verify(request, context)).resolves.toBeUndefined();
    }
  });

  it("accepts a lower-case scheme", async () => {
    const authorization = basicAuthorization(settings.username, settings.password).replace(
      "Basic",
      "basic",
    );
    await expect(webhook.verify(deliveryRequest({ authorization }), context)).resolves.toBe(
      undefined,
    );
  });

  it.each([
    ["a missing Authorization header", {}],
    ["a wrong password", { authorization: basicAuthorization(settings.username, "wrong") }],
    ["a wrong user name", { authorization: basicAuthorization("someone", settings.password) }],
    [
      "a password with a suffix",
      { authorization: basicAuthorization(settings.username, `${settings.password}x`) },
    ],
    ["a bearer token", { authorization: "Bearer abc" }],
    ["credentials without a colon", { authorization: `Basic ${btoa("postmark-hook")}` }],
    ["undecodable base64", { authorization: "Basic ====" }],
  ])("refuses %s", async (_case, headers) => {
    await expect(webhook.verify(deliveryRequest(headers), context)).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
  });

  it("never echoes the configured secret in its error", async () => {
    const error = await webhook
      .verify(
        deliveryRequest({ authorization: basicAuthorization(settings.username, "x") }),
        context,
      )
      .catch((caught: unknown) => caught);
    expect(String((error as Error).message)).not.toContain(settings.password);
  });

  describe("with allowedIps", () => {
    const restricted = createPostmarkWebhook({ ...settings, allowedIps: ["3.134.147.250"] });
    const authorization = basicAuthorization(settings.username, settings.password);

    it("accepts an allowed peer, also in IPv4-mapped IPv6 form", async () => {
      for (const remoteAddress of ["3.134.147.250", "::ffff:3.134.147.250"]) {
        const request = { ...deliveryRequest({ authorization }), remoteAddress };
        await expect(restricted.verify(request, context)).resolves.toBeUndefined();
      }
    });

    it("refuses another peer or an unknown one, even with good credentials", async () => {
      for (const remoteAddress of ["203.0.113.9", undefined]) {
        const request = { ...deliveryRequest({ authorization }), remoteAddress };
        await expect(restricted.verify(request, context)).rejects.toBeInstanceOf(
          WebhookVerificationError,
        );
      }
    });
  });
});

describe("createPostmarkWebhook parse", () => {
  it.each([
    ["not JSON", "RecordType=Delivery"],
    ["a JSON array", "[]"],
    ["a record with a wrongly typed field", '{"RecordType": 5}'],
  ])("refuses a body that is %s", (_case, body) => {
    const request = { ...deliveryRequest(), rawBody: new TextEncoder().encode(body) };
    expect(() => webhook.parse(request)).toThrow(WebhookPayloadError);
  });

  it.each([
    ["an object of another shape", '{"x":1}'],
    ["an empty object", "{}"],
    ["a batch of records", '[{"RecordType":"Delivery"}]'],
    ["a batch of another shape", '[{"x":1}]'],
    ["an empty RecordType", '{"RecordType":"","MessageID":"m-1"}'],
    ["a JSON number", "1"],
    ["a JSON string", '"Delivery"'],
  ])("refuses %s: none of Postmark's record shape", (_case, body) => {
    const request = { ...deliveryRequest(), rawBody: new TextEncoder().encode(body) };
    expect(() => webhook.parse(request)).toThrow(WebhookPayloadError);
    expect(() => webhook.parse(request)).toThrow(/Postmark webhook body is not a Postmark record/);
  });

  it("keeps a record of a RecordType it does not know as unknown, with the raw record", () => {
    const record = { RecordType: "BrandNewRecord", MessageID: "m-1", Recipient: "a@b.com" };
    const request = {
      ...deliveryRequest(),
      rawBody: new TextEncoder().encode(JSON.stringify(record)),
    };
    const parsed = webhook.parse(request);
    const events = webhook.toEvents(parsed.kind === "events" ? parsed.payload : null);
    expect(events).toMatchObject([{ type: "unknown", recipient: "a@b.com", raw: record }]);
  });

  it("refuses a forged body without the credentials (Postmark signs no body, so a changed body with good credentials cannot be told apart)", async () => {
    const request = deliveryRequest({
      authorization: basicAuthorization(settings.username, "guess"),
    });
    request.rawBody = new TextEncoder().encode('{"RecordType":"Bounce","Type":"HardBounce"}');
    await expect(webhook.verify(request, context)).rejects.toBeInstanceOf(WebhookVerificationError);
  });
});

describe("createPostmarkWebhook settings", () => {
  it.each([
    ["an empty password", { username: "a", password: "" }],
    ["an address that is not an IP", { ...settings, allowedIps: ["postmarkapp.com"] }],
    ["an unknown key", { ...settings, secret: "x" }],
  ])("throws ConfigError for %s", (_case, value) => {
    expect(() => createPostmarkWebhook(value as never)).toThrow(ConfigError);
  });
});
