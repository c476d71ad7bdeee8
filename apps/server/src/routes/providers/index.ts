import type { App } from "../../app-env";
import { registerListProviders } from "./list";

/** The providers resource. */
export function registerProviderRoutes(app: App): void {
  registerListProviders(app);
}
