import {
  createBasicAuthCheck,
  type ProviderWebhook,
  parseJsonBody,
  parseProviderSettings,
  type WebhookPayload,
  WebhookVerificationError,
} from "@mailroute/core";
import { mapPostmarkEvent, parsePostmarkRecord } from "./map-postmark-event";
import {
  type PostmarkWebhookSettings,
  postmarkWebhookSettingsSchema,
} from "./postmark-webhook-settings";

// Node reports IPv4 peers on a dual-stack socket as "::ffff:a.b.c.d".
function normalizeAddress(address: string | undefined): string | null {
  const trimmed = address?.trim().toLowerCase();
  if (!trimmed) {
    return null;
  }
  return trimmed.startsWith("::ffff:") && trimmed.includes(".") ? trimmed.slice(7) : trimmed;
}

/**
 * Builds the handler for Postmark's webhooks (delivery, bounce, spam complaint, open, click,
 * subscription change). Authenticity is the Basic auth pair of the webhook URL, plus the peer
 * address when `allowedIps` is set; Postmark has no timestamp or token, so there is no replay
 * window to enforce (the server's dedupe drops a repeated bounce by its ID).
 */
export function createPostmarkWebhook(settings: PostmarkWebhookSettings): ProviderWebhook {
  const { username, password, allowedIps } = parseProviderSettings(
    postmarkWebhookSettingsSchema,
    settings,
    "Invalid webhook settings for Postmark",
  );
  const allowed = allowedIps ? new Set(allowedIps.map(normalizeAddress)) : null;
  const checkCredentials = createBasicAuthCheck({ username, password });

  return {
    async verify(request) {
      if (allowed && !allowed.has(normalizeAddress(request.remoteAddress))) {
        throw new WebhookVerificationError("request does not come from an allowed address");
      }
      await checkCredentials(request.headers.authorization);
    },

    parse(request): WebhookPayload {
      const record = parseJsonBody(request.rawBody, "Postmark");
      parsePostmarkRecord(record);
      return { kind: "events", payload: record };
    },

    toEvents: mapPostmarkEvent,
  };
}
