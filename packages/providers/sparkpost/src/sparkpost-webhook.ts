import {
  createBasicAuthCheck,
  type ProviderWebhook,
  parseJsonBody,
  parseProviderSettings,
  type WebhookPayload,
  type WebhookRequest,
} from "@mailroute/core";
import { mapSparkPostEvents, readSparkPostBatch } from "./map-sparkpost-event";
import {
  type SparkPostWebhookSettings,
  sparkPostWebhookSettingsSchema,
} from "./sparkpost-webhook-settings";

/** Turns a verified SparkPost batch into its items; a batch of pings carries nothing. */
function parseSparkPostBody(request: WebhookRequest): WebhookPayload {
  const body = parseJsonBody(request.rawBody, "SparkPost");
  if (readSparkPostBatch(body).length === 0) {
    // SparkPost posts [{"msys": {}}] to test a new webhook.
    return { kind: "ignore", reason: "SparkPost ping" };
  }
  return { kind: "events", payload: body };
}

/**
 * Creates the handler for SparkPost's event webhooks. SparkPost signs nothing: the webhook is set
 * up with Basic auth, which `verify` checks in constant time. There is no signed timestamp or
 * nonce to check, and retried batches legitimately arrive hours late.
 */
export function createSparkPostWebhook(settings: SparkPostWebhookSettings): ProviderWebhook {
  const credentials = parseProviderSettings(
    sparkPostWebhookSettingsSchema,
    settings,
    "Invalid SparkPost webhook settings",
  );
  const checkCredentials = createBasicAuthCheck(credentials);
  return {
    verify: (request) => checkCredentials(request.headers.authorization),
    parse: parseSparkPostBody,
    toEvents: mapSparkPostEvents,
  };
}
