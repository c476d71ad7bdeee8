import type { App } from "../../app-env";
import { registerGetMessage } from "./get";
import { registerHoldRoutes } from "./hold";
import { registerListMessages } from "./list";
import { registerSendMessage } from "./send";

/** The messages resource. */
export function registerMessageRoutes(app: App): void {
  registerSendMessage(app);
  registerGetMessage(app);
  registerListMessages(app);
  registerHoldRoutes(app);
}
