import { timingSafeEqual } from "node:crypto";
import {
  ConfigError,
  type ProviderWebhook,
  type WebhookPayload,
  WebhookPayloadError,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import { brevoEventSchema } from "./brevo-webhook-payload";
import { type BrevoWebhookSettings, brevoWebhookSettingsSchema } from "./brevo-webhook-settings";
import { mapBrevoEvent } from "./map-brevo-event";

async function sha256(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
}

// Web Crypto has no constant-time comparison; node:crypto's timingSafeEqual is the runtime's.
// Comparing SHA-256 digests gives both sides one length, so a length mismatch leaks nothing.
async function isSameSecret(given: string, expected: string): Promise<boolean> {
  const [givenDigest, expectedDigest] = await Promise.all([sha256(given), sha256(expected)]);
  return timingSafeEqual(givenDigest, expectedDigest);
}

/** `user:password` out of a Basic credential, or null when it is not base64 of that shape. */
function decodeBasic(credential: string): { username: string; password: string } | null {
  try {
    const bytes = Uint8Array.from(atob(credential), (character) => character.charCodeAt(0));
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    const colon = text.indexOf(":");
    return colon < 0 ? null : { username: text.slice(0, colon), password: text.slice(colon + 1) };
  } catch {
    return null;
  }
}

function parseJson(rawBody: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(rawBody));
  } catch (error) {
    throw new WebhookPayloadError("Brevo webhook body is not UTF-8 JSON", { cause: error });
  }
}

function parseBrevoRequest(request: WebhookRequest): WebhookPayload {
  const body = parseJson(request.rawBody);
  if (typeof body === "object" && body !== null && "items" in body) {
    throw new WebhookPayloadError(
      "Brevo inbound-parse payload posted to the transactional webhook URL",
    );
  }
  // A `batched` webhook posts an array of events; otherwise one event per request.
  const items: unknown[] = Array.isArray(body) ? body : [body];
  for (const [index, item] of items.entries()) {
    const checked = brevoEventSchema.safeParse(item);
    if (!checked.success) {
      throw new WebhookPayloadError(`Brevo webhook event ${index} is not of the expected shape`, {
        cause: checked.error,
      });
    }
  }
  return { kind: "events", payload: items };
}

/**
 * Creates the handler for one Brevo transactional webhook. Brevo signs nothing, so a request is
 * authentic when its `Authorization` header carries the configured Basic credentials or bearer
 * token (compared in constant time). Throws ConfigError when the settings are invalid.
 */
export function createBrevoWebhook(settings: BrevoWebhookSettings): ProviderWebhook {
  const parsed = brevoWebhookSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    throw new ConfigError(
      "Invalid settings for the Brevo webhook",
      parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  const { username, password, token } = parsed.data;

  async function isAuthorized(authorization: string): Promise<boolean> {
    const [scheme = "", credential = ""] = authorization.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() === "basic" && username !== undefined && password !== undefined) {
      const given = decodeBasic(credential);
      // Both parts are always compared, so the time taken does not tell which one was wrong.
      const [sameUser, samePassword] = await Promise.all([
        isSameSecret(given?.username ?? "", username),
        isSameSecret(given?.password ?? "", password),
      ]);
      return given !== null && sameUser && samePassword;
    }
    if (scheme.toLowerCase() === "bearer" && token !== undefined) {
      return isSameSecret(credential, token);
    }
    return false;
  }

  return {
    async verify(request) {
      const authorization = request.headers.authorization;
      if (!authorization) {
        throw new WebhookVerificationError("Brevo webhook has no Authorization header");
      }
      if (!(await isAuthorized(authorization))) {
        throw new WebhookVerificationError("Brevo webhook credentials do not match");
      }
    },
    parse: parseBrevoRequest,
    toEvents: mapBrevoEvent,
  };
}
