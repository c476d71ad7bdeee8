import type { App } from "../../app-env";
import { registerReceiveWebhook } from "./receive";

/** `/webhooks/:providerName`: providers' webhooks (inbound webhooks). */
export function registerInboundWebhookRoutes(app: App): void {
  registerReceiveWebhook(app);
}
