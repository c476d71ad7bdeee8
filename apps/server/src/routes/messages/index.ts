import type { App } from "../../app-env";
import { registerSendMessageBatch } from "./batch";
import { registerCancelMessage } from "./cancel";
import { registerGetMessage } from "./get";
import { registerListMessages } from "./list";
import { registerReleaseMessage } from "./release";
import { registerSendMessage } from "./send";

/** The messages resource. */
export function registerMessageRoutes(app: App): void {
  registerSendMessage(app);
  // Before the `/v1/messages/:id` routes, so `batch` is never read as an id.
  registerSendMessageBatch(app);
  registerGetMessage(app);
  registerListMessages(app);
  registerReleaseMessage(app);
  registerCancelMessage(app);
}
