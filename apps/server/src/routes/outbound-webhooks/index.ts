import type { App } from "../../app-env";
import { registerCreateWebhookEndpoint } from "./create";
import { registerDeleteWebhookEndpoint } from "./delete";
import { registerListWebhookDeliveries } from "./deliveries";
import { registerOutboundEventWebhook } from "./event-webhook";
import { registerGetWebhookEndpoint } from "./get";
import { registerListWebhookEndpoints } from "./list";
import { registerReplayWebhookDeliveries } from "./replay";
import { registerRotateWebhookEndpointSecret } from "./rotate-secret";
import { registerUpdateWebhookEndpoint } from "./update";

/** `/v1/webhook-endpoints`: the application's own webhooks (outbound webhooks). */
export function registerOutboundWebhookRoutes(app: App): void {
  registerCreateWebhookEndpoint(app);
  registerListWebhookEndpoints(app);
  registerGetWebhookEndpoint(app);
  registerUpdateWebhookEndpoint(app);
  registerDeleteWebhookEndpoint(app);
  registerRotateWebhookEndpointSecret(app);
  registerListWebhookDeliveries(app);
  registerReplayWebhookDeliveries(app);
  registerOutboundEventWebhook(app);
}
