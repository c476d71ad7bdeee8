import type { App } from "../../app-env";
import { registerUnsubscribe } from "./confirm";
import { registerShowUnsubscribePage } from "./page";

/** `/u/:token`: one-click unsubscribe links (RFC 8058), outside `/v1` and without an API key. */
export function registerUnsubscribeRoutes(app: App): void {
  registerShowUnsubscribePage(app);
  registerUnsubscribe(app);
}
