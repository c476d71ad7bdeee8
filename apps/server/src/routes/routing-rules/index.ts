import type { App } from "../../app-env";
import { registerGetRoutingRules } from "./get";
import { registerReplaceRoutingRules } from "./replace";
import { registerSimulateRoute } from "./simulate";

/** The routing rules resource: `GET·PUT /v1/routes` and `POST /v1/routes/simulate`. */
export function registerRoutingRuleRoutes(app: App): void {
  registerGetRoutingRules(app);
  registerReplaceRoutingRules(app);
  registerSimulateRoute(app);
}
