import type { WebhookRequest } from "@mailroute/core";
import { WebhookPayloadError, WebhookVerificationError } from "@mailroute/core";
import {
  fixtureRequest,
  readManifest,
  readSignatureVectors,
  runWebhookFixtures,
} from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { createSparkPostWebhook } from "./sparkpost-webhook";

const credentials = { username: "sparkpost-hook", password: "correct horse battery staple" };
const webhook = createSparkPostWebhook(credentials);
const cases = readManifest().filter((fixture) => fixture.provider === "sparkpost");
// Long after every event of the corpus: Basic auth has no timestamp, so age must not matter.
const context = { now: new Date("2030-01-01T00:00:00Z") };

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

function authorized(request: WebhookRequest, authorization: string): WebhookRequest {
  return { ...request, headers: { ...request.headers, authorization } };
}

function body(text: string): WebhookRequest {
  return {
    method: "POST",
    url: "https://mailroute.example/webhooks/sparkpost",
    headers: { "content-type": "application/json" },
    rawBody: new TextEncoder().encode(text),
  };
}

runWebhookFixtures({ provider: "sparkpost", webhook });

describe("createSparkPostWebhook verify", () => {
  it("has no signature vectors to check: SparkPost signs nothing", () => {
    const vectors = readSignatureVectors() as { not_covered: Record<string, string> };
    expect(vectors.not_covered.sparkpost).toMatch(/Basic auth/);
  });

  it.each(cases.map((fixture) => [fixture.id, fixture] as const))(
    "accepts %s with the configured credentials",
    async (_id, fixture) => {
      const request = authorized(
        fixtureRequest(fixture),
        basic(credentials.username, credentials.password),
      );
      await expect(webhook.verify(request, context)).resolves.toBeUndefined();
    },
  );

  const [first] = cases;
  const request = fixtureRequest(first!);

  it("refuses a request without an Authorization header", async () => {
    await expect(webhook.verify(request, context)).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it("refuses a wrong password", async () => {
    const wrong = authorized(request, basic(credentials.username, "incorrect"));
    await expect(webhook.verify(wrong, context)).rejects.toThrow("Basic credentials do not match");
  });

  it("refuses a wrong username", async () => {
    const wrong = authorized(request, basic("someone-else", credentials.password));
    await expect(webhook.verify(wrong, context)).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it("refuses credentials that only share a prefix with the configured ones", async () => {
    const wrong = authorized(request, basic(credentials.username, `${credentials.password}x`));
    await expect(webhook.verify(wrong, context)).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  it.each([
    ["another scheme", `Bearer ${credentials.password}`],
    ["text that is not base64", "Basic not*base64"],
    ["an empty Basic header", "Basic "],
  ])("refuses %s", async (_name, authorization) => {
    const wrong = authorized(request, authorization);
    await expect(webhook.verify(wrong, context)).rejects.toThrow("Missing Basic credentials");
  });

  it("never echoes the secret in its error", async () => {
    const wrong = authorized(request, basic(credentials.username, "incorrect"));
    const error = await webhook.verify(wrong, context).catch((caught: unknown) => caught);
    expect(String((error as Error).message)).not.toContain(credentials.password);
    expect(String((error as Error).message)).not.toContain("incorrect");
  });

  it("refuses a tampered body that comes without the credentials", async () => {
    const tampered = { ...request, rawBody: new TextEncoder().encode('{"event": "sent"}') };
    await expect(webhook.verify(tampered, context)).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
  });

  it("accepts a tampered body with the right credentials: Basic auth does not cover it", async () => {
    const tampered = authorized(
      { ...request, rawBody: new TextEncoder().encode('{"event": "sent"}') },
      basic(credentials.username, credentials.password),
    );
    await expect(webhook.verify(tampered, context)).resolves.toBeUndefined();
  });

  it("accepts UTF-8 credentials", async () => {
    const utf8 = createSparkPostWebhook({ username: "bénédicte", password: "pässwörd ✓" });
    const good = authorized(request, basic("bénédicte", "pässwörd ✓"));
    await expect(utf8.verify(good, context)).resolves.toBeUndefined();
  });

  it("has no timestamp to go stale or token to replay: an old retry verifies", async () => {
    const good = authorized(request, basic(credentials.username, credentials.password));
    await expect(webhook.verify(good, context)).resolves.toBeUndefined();
    await expect(webhook.verify(good, context)).resolves.toBeUndefined();
  });

  it("rejects invalid settings with a ConfigError", () => {
    expect(() => createSparkPostWebhook({ username: "a:b", password: "secret" })).toThrow(
      "Invalid SparkPost webhook settings",
    );
    expect(() => createSparkPostWebhook({ username: "user", password: "" })).toThrow(
      "Invalid SparkPost webhook settings",
    );
  });
});

describe("createSparkPostWebhook parse", () => {
  it("returns the batch as it came", () => {
    const text = '[{"msys": {"track_event": {"type": "open"}}, "cust": {"id": "1"}}]';
    expect(webhook.parse(body(text))).toEqual({ kind: "events", payload: JSON.parse(text) });
  });

  it("ignores a ping batch and an empty batch", () => {
    expect(webhook.parse(body('[{"msys": {}}, {"msys": {}}]'))).toEqual({
      kind: "ignore",
      reason: "SparkPost ping",
    });
    expect(webhook.parse(body("[]")).kind).toBe("ignore");
  });

  it.each([
    ["text that is not JSON", "msys"],
    ["a bare object", '{"msys": {"message_event": {"type": "delivery"}}}'],
    ["an item without msys", '[{"message_event": {"type": "delivery"}}]'],
    ["an event class that is not an object", '[{"msys": {"message_event": "delivery"}}]'],
    [
      "an item with two event classes",
      '[{"msys": {"message_event": {"type": "delivery"}, "track_event": {"type": "open"}}}]',
    ],
    [
      "a field of the wrong type",
      '[{"msys": {"message_event": {"type": "bounce", "rcpt_meta": 1}}}]',
    ],
  ])("rejects %s", (_name, text) => {
    expect(() => webhook.parse(body(text))).toThrow(WebhookPayloadError);
  });

  it("rejects a body that is not UTF-8", () => {
    const request = { ...body(""), rawBody: new Uint8Array([0x5b, 0xff, 0x5d]) };
    expect(() => webhook.parse(request)).toThrow(WebhookPayloadError);
  });
});
