import { WebhookPayloadError, WebhookVerificationError } from "@mailroute/core";
import { runWebhookFixtures, webhookRequest } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { createBrevoWebhook } from "./brevo-webhook";

runWebhookFixtures({
  provider: "brevo",
  webhook: createBrevoWebhook({ username: "brevo", password: "s3cret" }),
});

const now = new Date("2026-01-15T10:00:00Z");
const body = '{"event":"delivered","email":"a@example.com","ts_epoch":1768471200000}';

function request(authorization?: string, payload = body) {
  return webhookRequest("brevo", payload, authorization === undefined ? {} : { authorization });
}

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString("base64")}`;

describe("createBrevoWebhook verify with Basic credentials", () => {
  const webhook = createBrevoWebhook({ username: "brevo", password: "s3cret" });

  it("accepts the configured user and password", async () => {
    await expect(webhook.verify(request(basic("brevo:s3cret")), { now })).resolves.toBeUndefined();
  });

  it("accepts a password that contains a colon", async () => {
    const colon = createBrevoWebhook({ username: "brevo", password: "a:b" });
    await expect(colon.verify(request(basic("brevo:a:b")), { now })).resolves.toBeUndefined();
  });

  it.each([
    ["a wrong password", basic("brevo:guess")],
    ["a wrong user", basic("other:s3cret")],
    ["credentials without a colon", basic("brevos3cret")],
    ["a credential that is not base64", "Basic ***"],
    ["an empty credential", "Basic"],
    ["a bearer token when only Basic is configured", "Bearer s3cret"],
    ["another scheme", "Digest username=brevo"],
  ])("refuses %s", async (_case, authorization) => {
    await expect(webhook.verify(request(authorization), { now })).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it("refuses a request without an Authorization header", async () => {
    await expect(webhook.verify(request(), { now })).rejects.toThrow(/no Authorization/);
  });

  it("does not echo the credentials in its errors", async () => {
    const error = await webhook
      .verify(request(basic("brevo:guess")), { now })
      .catch((caught: Error) => caught);
    expect(String(error)).not.toMatch(/s3cret|guess/);
  });
});

describe("createBrevoWebhook verify with a bearer token", () => {
  const webhook = createBrevoWebhook({ token: "tok-123" });

  it("accepts the token, whatever the scheme's case", async () => {
    await expect(webhook.verify(request("Bearer tok-123"), { now })).resolves.toBeUndefined();
    await expect(webhook.verify(request("bearer tok-123"), { now })).resolves.toBeUndefined();
  });

  it.each([
    ["a wrong token", "Bearer tok-124"],
    ["a prefix of the token", "Bearer tok-12"],
    ["an empty token", "Bearer "],
    ["Basic credentials when only a token is configured", basic("brevo:tok-123")],
  ])("refuses %s", async (_case, authorization) => {
    await expect(webhook.verify(request(authorization), { now })).rejects.toThrow(
      WebhookVerificationError,
    );
  });

  it("accepts either method when both are configured", async () => {
    const both = createBrevoWebhook({ username: "brevo", password: "s3cret", token: "tok-123" });
    await expect(both.verify(request("Bearer tok-123"), { now })).resolves.toBeUndefined();
    await expect(both.verify(request(basic("brevo:s3cret")), { now })).resolves.toBeUndefined();
  });

  it("authenticates the sender only: Brevo signs no body, so no body is refused here", async () => {
    // Tampering, stale timestamps and replays cannot be detected without a signature; TLS and the
    // secret credential are the whole defence, and the server dedupes repeated events.
    const tampered = request("Bearer tok-123", body.replace("delivered", "hard_bounce"));
    await expect(webhook.verify(tampered, { now })).resolves.toBeUndefined();
  });
});

describe("createBrevoWebhook parse", () => {
  const webhook = createBrevoWebhook({ token: "tok-123" });

  it("wraps one event in a list", () => {
    expect(webhook.parse(request())).toEqual({ kind: "events", payload: [JSON.parse(body)] });
  });

  it("takes a batched array as it is", () => {
    const batch = `[${body},${body.replace("delivered", "opened")}]`;
    const parsed = webhook.parse(request(undefined, batch));
    expect(parsed.kind === "events" ? webhook.toEvents(parsed.payload) : []).toHaveLength(2);
  });

  it.each([
    ["a body that is not JSON", "event=delivered"],
    ["a body that is not UTF-8", "\uFFFD"],
    ["an event without a name", '{"email":"a@example.com","ts_epoch":1}'],
    ["an event without any time", '{"event":"delivered","email":"a@example.com"}'],
    ["an inbound-parse payload", '{"items":[]}'],
    ["a JSON string", '"delivered"'],
  ])("refuses %s", (_case, payload) => {
    const bad = request(undefined, payload);
    if (payload === "\uFFFD") {
      bad.rawBody = new Uint8Array([0xff, 0xfe]);
    }
    expect(() => webhook.parse(bad)).toThrow(WebhookPayloadError);
  });
});

describe("createBrevoWebhook parse: Brevo's event shape", () => {
  const webhook = createBrevoWebhook({ token: "tok-123" });

  it.each([
    ["an object of another shape", '{"x":1}', /Brevo webhook item 0 is not a Brevo event/],
    ["an empty batch", "[]", /Brevo webhook body is an empty batch/],
    ["a batch of another shape", '[{"x":1}]', /item 0 is not a Brevo event/],
    ["a batch whose second item has no event", `[${body},{"email":"a@b.com","ts":1}]`, /item 1/],
    ["a JSON number", "1", /not an event object or a JSON array of events/],
    ["JSON null", "null", /not an event object or a JSON array of events/],
  ])("refuses %s", (_case, payload, message) => {
    expect(() => webhook.parse(request(undefined, payload))).toThrow(WebhookPayloadError);
    expect(() => webhook.parse(request(undefined, payload))).toThrow(message);
  });

  it("keeps an event of a type it does not know as unknown, with the raw event", () => {
    const event = { event: "brand_new_event", email: "a@example.com", ts_epoch: 1768471200000 };
    const parsed = webhook.parse(request(undefined, JSON.stringify(event)));
    const events = parsed.kind === "events" ? webhook.toEvents(parsed.payload) : [];
    expect(events).toMatchObject([{ type: "unknown", recipient: "a@example.com", raw: event }]);
  });
});

describe("createBrevoWebhook settings", () => {
  it.each([
    ["no method", {}],
    ["a user without a password", { username: "brevo" }],
    ["a password without a user", { password: "s3cret", token: "t" }],
    ["a user name with a colon", { username: "a:b", password: "s3cret" }],
    ["an empty token", { token: "" }],
    ["an unknown key", { token: "t", secret: "x" }],
  ])("refuses %s with a ConfigError", (_case, settings) => {
    expect(() => createBrevoWebhook(settings)).toThrow(/Brevo webhook/);
  });
});
