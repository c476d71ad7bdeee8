import type { EmailProvider, ProviderCapabilities } from "@mailroute/core";
import { parseProviderSettings } from "@mailroute/core";
import FormData from "form-data";
import Mailgun from "mailgun.js";
import type { MailgunClientOptions } from "mailgun.js/definitions";
import { sendMailgunMessage } from "./mailgun-send";
import { type MailgunSettings, mailgunSettingsSchema } from "./mailgun-settings";

/**
 * What one Mailgun send can carry
 * (https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages).
 */
export const mailgunCapabilities: ProviderCapabilities = {
  maxRecipients: 1000,
  maxMessageBytes: 25 * 1024 * 1024,
  // The sending guide allows 3 tags per message; a newer help-center page says 10. Declare the
  // lower so no tag is dropped silently.
  maxTags: 3,
  attachments: true,
  inlineImages: true,
  customHeaders: true,
  metadata: true,
  // `o:deliverytime` is documented up to 3 days ahead (7 on some plans).
  maxScheduleAheadMs: 3 * 24 * 60 * 60 * 1000,
  idempotency: false,
  // o:tracking-opens / o:tracking-clicks override the domain's tracking settings.
  tracking: "perMessage",
};

function describeSettings(settings: unknown): string {
  const name = (settings as { name?: unknown } | null)?.name;
  return typeof name === "string" && name ? `"${name}"` : "(unnamed)";
}

/**
 * Creates one Mailgun account's provider. Each call builds its own mailgun.js client, so several
 * accounts (or regions) coexist; nothing is read from the environment.
 */
export function createMailgunProvider(settings: MailgunSettings): EmailProvider {
  const { name, apiKey, domain, baseUrl, timeoutMs } = parseProviderSettings(
    mailgunSettingsSchema,
    settings,
    `Invalid settings for the mailgun provider ${describeSettings(settings)}`,
  );
  const client = new Mailgun(FormData).client({
    username: "api",
    key: apiKey,
    url: baseUrl,
    timeout: timeoutMs,
    // Without this, the bundled axios sends through HTTP_PROXY even to 127.0.0.1. The type only
    // allows a proxy object, but the value goes to axios as is, where false turns proxies off.
    proxy: false as unknown as MailgunClientOptions["proxy"],
    // useFetch stays off: with it, refused and reset connections both become ERR_NETWORK.
  });
  const context = { name, domain, timeoutMs, client };
  return {
    name,
    type: "mailgun",
    capabilities: mailgunCapabilities,
    send: (message, options) => sendMailgunMessage(context, message, options),
  };
}
