import type { WebhookRequest } from "@mailroute/core";
import { WebhookPayloadError, WebhookVerificationError } from "@mailroute/core";
import {
  fixtureRequest,
  readManifest,
  readSignatureVectors,
  runWebhookFixtures,
} from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { createMailjetWebhook } from "./mailjet-webhook";

const credentials = { username: "mailjet-hook", password: "correct horse battery staple" };
const webhook = createMailjetWebhook(credentials);
const cases = readManifest().filter((fixture) => fixture.provider === "mailjet");
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
    url: "https://mailroute.example/webhooks/mailjet",
    headers: { "content-type": "application/json" },
    rawBody: new TextEncoder().encode(text),
  };
}

runWebhookFixtures({
  provider: "mailjet",
  webhook,
});

describe("createMailjetWebhook verify", () => {
  it("has no signature vectors to check: Mailjet signs nothing", () => {
    const vectors = readSignatureVectors() as { not_covered: Record<string, string> };
    expect(vectors.not_covered.mailjet).toMatch(/Basic auth/);
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
    const utf8 = createMailjetWebhook({ username: "bénédicte", password: "pässwörd ✓" });
    const good = authorized(request, basic("bénédicte", "pässwörd ✓"));
    await expect(utf8.verify(good, context)).resolves.toBeUndefined();
  });

  it("has no timestamp to go stale or token to replay: an old retry verifies", async () => {
    const good = authorized(request, basic(credentials.username, credentials.password));
    await expect(webhook.verify(good, context)).resolves.toBeUndefined();
    await expect(webhook.verify(good, context)).resolves.toBeUndefined();
  });

  it("rejects invalid settings with a ConfigError", () => {
    expect(() => createMailjetWebhook({ username: "a:b", password: "secret" })).toThrow(
      "Invalid Mailjet webhook settings",
    );
    expect(() => createMailjetWebhook({ username: "user", password: "" })).toThrow(
      "Invalid Mailjet webhook settings",
    );
  });
});

describe("createMailjetWebhook parse", () => {
  it("wraps a bare (ungrouped) event in a batch of one", () => {
    const parsed = webhook.parse(body('{"event": "open", "time": 1498093527}'));
    expect(parsed).toEqual({ kind: "events", payload: [{ event: "open", time: 1498093527 }] });
  });

  it("keeps MessageIDs beyond 2^53 exact", () => {
    const parsed = webhook.parse(body('[{"event": "sent", "MessageID": 288230376151711744}]'));
    expect(parsed).toEqual({
      kind: "events",
      payload: [{ event: "sent", MessageID: "288230376151711744" }],
    });
  });

  it("ignores an empty batch", () => {
    expect(webhook.parse(body("[]"))).toEqual({
      kind: "ignore",
      reason: "empty Mailjet event batch",
    });
  });

  it.each([
    ["text that is not JSON", "event=sent"],
    ["a JSON number", "42"],
    ["an item without an event name", '[{"time": 1498093527}]'],
    ["an item that is not an object", '["sent"]'],
    ["a field of the wrong type", '[{"event": "bounce", "hard_bounce": "yes"}]'],
  ])("rejects %s", (_name, text) => {
    expect(() => webhook.parse(body(text))).toThrow(WebhookPayloadError);
  });

  it("rejects a body that is not UTF-8", () => {
    const request = { ...body(""), rawBody: new Uint8Array([0x5b, 0xff, 0x5d]) };
    expect(() => webhook.parse(request)).toThrow(WebhookPayloadError);
  });
});

describe("mailjet/anymail-sent-grouped", () => {
  it("normalizes as the manifest says, metadata values as strings", () => {
    const fixture = cases.find((item) => item.id === "mailjet/anymail-sent-grouped")!;
    const parsed = webhook.parse(fixtureRequest(fixture));
    expect(parsed.kind).toBe("events");
    const events = parsed.kind === "events" ? webhook.toEvents(parsed.payload) : [];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "delivered",
      recipient: "recipient@example.com",
      providerMessageId: "12345678901234567",
      occurredAt: "2017-06-22T01:05:27.000Z",
      reason: "sent (250 2.0.0 OK 1498093527 a67bc12345def.22 - gsmtp)",
      smtpCode: 250,
      enhancedStatus: "2.0.0",
      tags: ["tag1"],
      metadata: { meta1: "simple string", meta2: "2" },
    });
  });
});
