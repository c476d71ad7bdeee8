import {
  ConfigError,
  type ProviderWebhook,
  type WebhookPayload,
  WebhookPayloadError,
  type WebhookRequest,
} from "@mailroute/core";
import { mapSparkPostEvents, readSparkPostBatch } from "./map-sparkpost-event";
import { createBasicAuthCheck } from "./sparkpost-basic-auth";
import {
  type SparkPostWebhookSettings,
  sparkPostWebhookSettingsSchema,
} from "./sparkpost-webhook-settings";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Turns a verified SparkPost batch into its items; a batch of pings carries nothing. */
function parseSparkPostBody(request: WebhookRequest): WebhookPayload {
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(request.rawBody));
  } catch (error) {
    throw new WebhookPayloadError("SparkPost webhook body is not UTF-8 JSON", { cause: error });
  }
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
  const checkCredentials = createBasicAuthCheck(parsed.data.username, parsed.data.password);
  return {
    verify: (request) => checkCredentials(request.headers.authorization),
    parse: parseSparkPostBody,
    toEvents: mapSparkPostEvents,
  };
}
