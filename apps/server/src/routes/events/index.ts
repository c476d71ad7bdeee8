import type { App } from "../../app-env";
import { registerListEvents } from "./list";

/** The event feed resource. */
export function registerEventRoutes(app: App): void {
  registerListEvents(app);
}
