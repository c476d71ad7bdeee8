import { describe, expect, it } from "vitest";
import { WebhookVerificationError } from "../errors/webhook-errors";
import type { ProviderWebhook, WebhookRequest } from "../webhooks/provider-webhook";
import { basicAuthorization } from "./basic-authorization";
import { fixtureRequest, readManifest, readSignatureVectors } from "./webhook-fixtures";

/** What a provider whose webhook carries only HTTP Basic credentials gives the checks. */
export interface BasicAuthWebhookSetup {
  /** The corpus folder name (`mailjet`, `sparkpost`). */
  provider: string;
  /** The vendor's name as the factory and its errors spell it (`Mailjet`, `SparkPost`). */
  vendor: string;
  /** The provider's webhook factory. */
  create: (settings: { username: string; password: string }) => ProviderWebhook;
  /** The credentials the checks configure. */
  credentials: { username: string; password: string };
}

function authorized(request: WebhookRequest, authorization: string): WebhookRequest {
  return { ...request, headers: { ...request.headers, authorization } };
}

/**
 * Checks `verify` of a webhook whose only proof is Basic credentials (the vendor signs nothing):
 * every corpus case with the right credentials, refusals without a secret in the error, and no
 * age or replay limit, since there is no timestamp or token to check.
 */
export function runBasicAuthWebhookChecks(setup: BasicAuthWebhookSetup): void {
  const { credentials, vendor } = setup;
  const webhook = setup.create(credentials);
  const cases = readManifest().filter((fixture) => fixture.provider === setup.provider);
  // Long after every event of the corpus: Basic auth has no timestamp, so age must not matter.
  const context = { now: new Date("2030-01-01T00:00:00Z") };

  describe(`create${vendor}Webhook verify`, () => {
    it(`has no signature vectors to check: ${vendor} signs nothing`, () => {
      const vectors = readSignatureVectors() as { not_covered: Record<string, string> };
      expect(vectors.not_covered[setup.provider]).toMatch(/Basic auth/);
    });

    it.each(cases.map((fixture) => [fixture.id, fixture] as const))(
      "accepts %s with the configured credentials",
      async (_id, fixture) => {
        const request = authorized(
          fixtureRequest(fixture),
          basicAuthorization(credentials.username, credentials.password),
        );
        await expect(webhook.verify(request, context)).resolves.toBeUndefined();
      },
    );

    const [first] = cases;
    const request = fixtureRequest(first!);

    it("refuses a request without an Authorization header", async () => {
      await expect(webhook.verify(request, context)).rejects.toBeInstanceOf(
        WebhookVerificationError,
      );
    });

    it("refuses a wrong password", async () => {
      const wrong = authorized(request, basicAuthorization(credentials.username, "incorrect"));
      await expect(webhook.verify(wrong, context)).rejects.toThrow(
        "Basic credentials do not match",
      );
    });

    it("refuses a wrong username", async () => {
      const wrong = authorized(request, basicAuthorization("someone-else", credentials.password));
      await expect(webhook.verify(wrong, context)).rejects.toBeInstanceOf(WebhookVerificationError);
    });

    it("refuses credentials that only share a prefix with the configured ones", async () => {
      const wrong = authorized(
        request,
        basicAuthorization(credentials.username, `${credentials.password}x`),
      );
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
      const wrong = authorized(request, basicAuthorization(credentials.username, "incorrect"));
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
        basicAuthorization(credentials.username, credentials.password),
      );
      await expect(webhook.verify(tampered, context)).resolves.toBeUndefined();
    });

    it("accepts UTF-8 credentials", async () => {
      const utf8 = setup.create({ username: "bénédicte", password: "pässwörd ✓" });
      const good = authorized(request, basicAuthorization("bénédicte", "pässwörd ✓"));
      await expect(utf8.verify(good, context)).resolves.toBeUndefined();
    });

    it("has no timestamp to go stale or token to replay: an old retry verifies", async () => {
      const good = authorized(
        request,
        basicAuthorization(credentials.username, credentials.password),
      );
      await expect(webhook.verify(good, context)).resolves.toBeUndefined();
      await expect(webhook.verify(good, context)).resolves.toBeUndefined();
    });

    it("rejects invalid settings with a ConfigError", () => {
      expect(() => setup.create({ username: "a:b", password: "secret" })).toThrow(
        `Invalid ${vendor} webhook settings`,
      );
      expect(() => setup.create({ username: "user", password: "" })).toThrow(
        `Invalid ${vendor} webhook settings`,
      );
    });
  });
}
