import {
  type EmailProvider,
  type ProviderCapabilities,
  parseProviderSettings,
} from "@mailroute/core";
import { createSendGridAgents } from "./sendgrid-client";
import { sendWithSendGrid } from "./sendgrid-send";
import { type SendGridSettings, sendGridSettingsSchema } from "./sendgrid-settings";

/**
 * What one Mail Send call can carry (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/limitations):
 * 1000 recipients across to, cc and bcc, 30 MB in all, 10 categories, send_at up to 72 hours
 * ahead. The API takes no idempotency key.
 */
export const sendGridCapabilities: ProviderCapabilities = {
  maxRecipients: 1000,
  maxMessageBytes: 30 * 1024 * 1024,
  maxTags: 10,
  attachments: true,
  inlineImages: true,
  customHeaders: true,
  metadata: true,
  maxScheduleAheadMs: 72 * 60 * 60 * 1000,
  idempotency: false,
  // tracking_settings.open_tracking / click_tracking override the account's settings per message.
  tracking: "perMessage",
};

/** Creates the provider for one SendGrid account; several accounts can live side by side. */
export function createSendGridProvider(settings: SendGridSettings): EmailProvider {
  const resolved = parseProviderSettings(
    sendGridSettingsSchema,
    settings,
    `provider "${typeof settings?.name === "string" ? settings.name : "(unnamed)"}": invalid SendGrid settings`,
  );
  // Each account gets its own SDK client per send and its own pools: the SDK's default exports
  // are process-wide singletons whose key and base URL every importer would share.
  const agents = createSendGridAgents();
  return {
    name: resolved.name,
    type: "sendgrid",
    capabilities: sendGridCapabilities,
    send: (message, options) => sendWithSendGrid({ settings: resolved, agents }, message, options),
    async close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
