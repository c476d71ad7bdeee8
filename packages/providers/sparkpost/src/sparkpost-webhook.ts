import {
  ConfigError,
  createBasicAuthCheck,
  type ProviderWebhook,
  parseJsonBody,
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
  const parsed = sparkPostWebhookSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    throw new ConfigError(
      "Invalid SparkPost webhook settings",
      parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  const checkCredentials = createBasicAuthCheck(parsed.data);
  return {
    verify: (request) => checkCredentials(request.headers.authorization),
    parse: parseSparkPostBody,
    toEvents: mapSparkPostEvents,
  };
}
