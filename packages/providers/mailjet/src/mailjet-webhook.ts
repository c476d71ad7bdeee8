import {
  createBasicAuthCheck,
  type ProviderWebhook,
  parseJsonBody,
  parseProviderSettings,
  parseWebhookBatch,
  type WebhookPayload,
  type WebhookRequest,
} from "@mailroute/core";
import { parseMailjetJson } from "./mailjet-json";
import {
  type MailjetWebhookSettings,
  mailjetWebhookSettingsSchema,
} from "./mailjet-webhook-settings";
import { mailjetEventSchema, mapMailjetEvents } from "./map-mailjet-event";

/** Turns a verified Mailjet callback body into its event items. */
function parseMailjetBody(request: WebhookRequest): WebhookPayload {
  const body = parseJsonBody(request.rawBody, "Mailjet", parseMailjetJson);
  // Grouped callbacks post an array; ungrouped ones a single bare event object.
  const items = parseWebhookBatch(body, {
    provider: "Mailjet",
    event: mailjetEventSchema,
    allowsSingleEvent: true,
  }).map((item) => item.raw);
  return { kind: "events", payload: items };
}

/**
 * Creates the handler for Mailjet's event callbacks. Mailjet signs nothing: the callback URL
 * carries Basic-auth credentials, which `verify` checks in constant time. There is no signed
 * timestamp or nonce to check, and retried callbacks legitimately arrive hours late.
 */
export function createMailjetWebhook(settings: MailjetWebhookSettings): ProviderWebhook {
  const credentials = parseProviderSettings(
    mailjetWebhookSettingsSchema,
    settings,
    "Invalid Mailjet webhook settings",
  );
  const checkCredentials = createBasicAuthCheck(credentials);
  return {
    verify: (request) => checkCredentials(request.headers.authorization),
    parse: parseMailjetBody,
    toEvents: mapMailjetEvents,
  };
}
