import {
  ConfigError,
  type ProviderWebhook,
  parseJsonBody,
  parseProviderSettings,
  type WebhookContext,
  type WebhookRequest,
  WebhookVerificationError,
} from "@mailroute/core";
import { mapSendGridEvents } from "./map-sendgrid-event";
import {
  importSendGridPublicKey,
  type SendGridPublicKey,
  verifySendGridSignature,
} from "./sendgrid-ecdsa";
import { parseSendGridEvents } from "./sendgrid-event-schema";
import {
  type ResolvedSendGridWebhookSettings,
  type SendGridWebhookSettings,
  sendGridWebhookSettingsSchema,
} from "./sendgrid-webhook-settings";

/** The Signed Event Webhook headers, lowercased as the server hands them over. */
export const sendGridSignatureHeader = "x-twilio-email-event-webhook-signature";
export const sendGridTimestampHeader = "x-twilio-email-event-webhook-timestamp";

function resolveSettings(settings: SendGridWebhookSettings): ResolvedSendGridWebhookSettings {
  return parseProviderSettings(
    sendGridWebhookSettingsSchema,
    settings,
    "invalid SendGrid webhook settings",
  );
}

/**
 * SendGrid documents no freshness window, but the timestamp is signed, so a stale one means a
 * captured request played again.
 */
function checkTimestamp(timestamp: string, now: Date, toleranceSeconds: number): void {
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new WebhookVerificationError("SendGrid webhook timestamp is not Unix seconds");
  }
  const skewSeconds = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skewSeconds > toleranceSeconds) {
    throw new WebhookVerificationError("SendGrid webhook timestamp is outside the tolerance");
  }
}

/**
 * Creates the Event Webhook handler for one SendGrid account: `verify` checks the ECDSA signature
 * over the signed timestamp and the exact bytes received; `toEvents` maps each batch item.
 */
export function createSendGridWebhook(settings: SendGridWebhookSettings): ProviderWebhook {
  const { publicKey, toleranceSeconds } = resolveSettings(settings);
  let key: Promise<SendGridPublicKey> | undefined;
  const loadKey = (): Promise<SendGridPublicKey> => {
    key ??= importSendGridPublicKey(publicKey).catch((error: unknown) => {
      throw new ConfigError(`SendGrid webhook public key cannot be used: ${String(error)}`);
    });
    return key;
  };

  return {
    async verify(request: WebhookRequest, context: WebhookContext): Promise<void> {
      const signature = request.headers[sendGridSignatureHeader];
      const timestamp = request.headers[sendGridTimestampHeader];
      if (!signature || !timestamp) {
        throw new WebhookVerificationError("SendGrid webhook signature headers are missing");
      }
      checkTimestamp(timestamp, context.now, toleranceSeconds);
      const prefix = new TextEncoder().encode(timestamp);
      const signed = new Uint8Array(prefix.length + request.rawBody.length);
      signed.set(prefix, 0);
      signed.set(request.rawBody, prefix.length);
      if (!(await verifySendGridSignature(await loadKey(), signature, signed))) {
        throw new WebhookVerificationError("SendGrid webhook signature does not verify");
      }
    },

    parse(request: WebhookRequest) {
      return {
        kind: "events",
        payload: parseSendGridEvents(parseJsonBody(request.rawBody, "SendGrid")),
      };
    },

    toEvents(payload: unknown) {
      return mapSendGridEvents(parseSendGridEvents(payload));
    },
  };
}
