// Web Crypto has no constant-time comparison; node:crypto's timingSafeEqual is the one used here.
import { timingSafeEqual } from "node:crypto";
import {
  ConfigError,
  type ProviderWebhook,
  type WebhookPayload,
  WebhookPayloadError,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import { mapPostmarkEvent, parsePostmarkRecord } from "./map-postmark-event";
import {
  type PostmarkWebhookSettings,
  postmarkWebhookSettingsSchema,
} from "./postmark-webhook-settings";

const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

// Hashing first gives both sides the same length, so neither the content nor the length of the
// secret shows in the comparison time.
async function isSameSecret(received: string, expected: string): Promise<boolean> {
  const [left, right] = await Promise.all([sha256(received), sha256(expected)]);
  return timingSafeEqual(left, right);
}

function readBasicAuth(header: string | undefined): { username: string; password: string } {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match?.[1]) {
    throw new WebhookVerificationError("missing Basic auth credentials");
  }
  let decoded: string;
  try {
    const binary = atob(match[1]);
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(binary, (character) => character.charCodeAt(0)),
    );
  } catch {
    throw new WebhookVerificationError("malformed Basic auth credentials");
  }
  const separator = decoded.indexOf(":");
  if (separator < 0) {
    throw new WebhookVerificationError("malformed Basic auth credentials");
  }
  return { username: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}

// Node reports IPv4 peers on a dual-stack socket as "::ffff:a.b.c.d".
function normalizeAddress(address: string | undefined): string | null {
  const trimmed = address?.trim().toLowerCase();
  if (!trimmed) {
    return null;
  }
  return trimmed.startsWith("::ffff:") && trimmed.includes(".") ? trimmed.slice(7) : trimmed;
}

function decodeJson(request: WebhookRequest): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(request.rawBody));
  } catch (error) {
    throw new WebhookPayloadError("body is not UTF-8 JSON", { cause: error });
  }
}

/**
 * Builds the handler for Postmark's webhooks (delivery, bounce, spam complaint, open, click,
 * subscription change). Authenticity is the Basic auth pair of the webhook URL, plus the peer
 * address when `allowedIps` is set; Postmark has no timestamp or token, so there is no replay
 * window to enforce (the server's dedupe drops a repeated bounce by its ID).
 */
export function createPostmarkWebhook(settings: PostmarkWebhookSettings): ProviderWebhook {
  const parsed = postmarkWebhookSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    throw new ConfigError(
      "Invalid webhook settings for Postmark",
      parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  const { username, password, allowedIps } = parsed.data;
  const allowed = allowedIps ? new Set(allowedIps.map(normalizeAddress)) : null;

  return {
    async verify(request) {
      if (allowed && !allowed.has(normalizeAddress(request.remoteAddress))) {
        throw new WebhookVerificationError("request does not come from an allowed address");
      }
      const credentials = readBasicAuth(request.headers.authorization);
      const [isUsername, isPassword] = await Promise.all([
        isSameSecret(credentials.username, username),
        isSameSecret(credentials.password, password),
      ]);
      if (!(isUsername && isPassword)) {
        throw new WebhookVerificationError("wrong Basic auth credentials");
      }
    },

    parse(request): WebhookPayload {
      const record = decodeJson(request);
      parsePostmarkRecord(record);
      return { kind: "events", payload: record };
    },

    toEvents: mapPostmarkEvent,
  };
}
