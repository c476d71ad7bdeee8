import {
  createBasicAuthCheck,
  type ProviderWebhook,
  parseJsonBody,
  parseProviderSettings,
  parseWebhookBatch,
  secretsEqual,
  type WebhookPayload,
  WebhookPayloadError,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import { brevoEventSchema } from "./brevo-webhook-payload";
import { type BrevoWebhookSettings, brevoWebhookSettingsSchema } from "./brevo-webhook-settings";
import { mapBrevoEvent } from "./map-brevo-event";

function parseBrevoRequest(request: WebhookRequest): WebhookPayload {
  const body = parseJsonBody(request.rawBody, "Brevo");
  if (typeof body === "object" && body !== null && "items" in body) {
    throw new WebhookPayloadError(
      "Brevo inbound-parse payload posted to the transactional webhook URL",
    );
  }
  // A `batched` webhook posts an array of events; otherwise one event per request.
  const items = parseWebhookBatch(body, {
    provider: "Brevo",
    event: brevoEventSchema,
    allowsSingleEvent: true,
  }).map((item) => item.raw);
  return { kind: "events", payload: items };
}

/**
 * Creates the handler for one Brevo transactional webhook. Brevo signs nothing, so a request is
 * authentic when its `Authorization` header carries the configured Basic credentials or bearer
 * token (compared in constant time). Throws ConfigError when the settings are invalid.
 */
export function createBrevoWebhook(settings: BrevoWebhookSettings): ProviderWebhook {
  const { username, password, token } = parseProviderSettings(
    brevoWebhookSettingsSchema,
    settings,
    "Invalid settings for the Brevo webhook",
  );
  const checkBasic =
    username !== undefined && password !== undefined
      ? createBasicAuthCheck({ username, password })
      : null;

  return {
    async verify(request) {
      const authorization = request.headers.authorization;
      if (!authorization) {
        throw new WebhookVerificationError("Brevo webhook has no Authorization header");
      }
      const [scheme = "", credential = ""] = authorization.trim().split(/\s+/, 2);
      if (scheme.toLowerCase() === "basic" && checkBasic !== null) {
        return checkBasic(authorization);
      }
      const isToken =
        scheme.toLowerCase() === "bearer" &&
        token !== undefined &&
        (await secretsEqual(credential, token));
      if (!isToken) {
        throw new WebhookVerificationError("Brevo webhook credentials do not match");
      }
    },
    parse: parseBrevoRequest,
    toEvents: mapBrevoEvent,
  };
}
