import type { App } from "../../app-env";
import { registerCreateApiKey } from "./create";
import { registerListApiKeys } from "./list";
import { registerRevokeApiKey } from "./revoke";

/** The API keys resource. */
export function registerApiKeyRoutes(app: App): void {
  registerCreateApiKey(app);
  registerListApiKeys(app);
  registerRevokeApiKey(app);
}
