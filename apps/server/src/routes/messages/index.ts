import type { App } from "../../app-env";
import { registerCancelMessage } from "./cancel";
import { registerGetMessage } from "./get";
import { registerListMessages } from "./list";
import { registerReleaseMessage } from "./release";
import { registerSendMessage } from "./send";

/** The messages resource. */
export function registerMessageRoutes(app: App): void {
  registerSendMessage(app);
  registerGetMessage(app);
  registerListMessages(app);
  registerReleaseMessage(app);
  registerCancelMessage(app);
}
