import {
  type EmailProvider,
  type ProviderCapabilities,
  parseProviderSettings,
} from "@mailroute/core";
import { ServerClient } from "postmark";
import { createPostmarkFetch } from "./postmark-fetch";
import { sendWithPostmark } from "./postmark-send";
import { type PostmarkSettings, postmarkSettingsSchema } from "./postmark-settings";

/** What one Postmark message can carry (https://postmarkapp.com/support/article/1056). */
export const postmarkCapabilities: ProviderCapabilities = {
  // To + Cc + Bcc together.
  maxRecipients: 50,
  // 10 MB including attachments, counted after base64.
  maxMessageBytes: 10_000_000,
  // A single `Tag` per message.
  maxTags: 1,
  attachments: true,
  inlineImages: true,
  customHeaders: true,
  metadata: true,
  // Postmark has no scheduled sending.
  maxScheduleAheadMs: 0,
  // The send API takes no idempotency key.
  idempotency: false,
  // TrackOpens / TrackLinks per message (the server's open tracking, when on, wins over false).
  tracking: "perMessage",
};

/**
 * Creates the adapter for one Postmark server. Each call builds its own ServerClient, so several
 * servers (tokens, base URLs) coexist in one process.
 */
export function createPostmarkProvider(settings: PostmarkSettings): EmailProvider {
  const { name, serverToken, baseUrl, messageStream, timeoutMs, fetch } = parseProviderSettings(
    postmarkSettingsSchema,
    settings,
    `Invalid settings for the Postmark provider "${String(settings?.name ?? "")}"`,
  );
  const url = new URL(baseUrl);
  const client = new ServerClient(serverToken, {
    useHttps: url.protocol === "https:",
    // The SDK builds `${scheme}://${requestHost}${path}`, so a port and a path prefix pass through.
    requestHost: `${url.host}${url.pathname.replace(/\/+$/, "")}`,
    // The SDK's timeout is in seconds (0 would mean 60 s); fractions work.
    timeout: timeoutMs / 1000,
    fetch: createPostmarkFetch(fetch),
  });
  return {
    name,
    type: "postmark",
    capabilities: postmarkCapabilities,
    send: (message, options) =>
      sendWithPostmark({ provider: name, client, messageStream }, message, options),
  };
}
