import type { App } from "../../app-env";
import { registerAddSuppression } from "./add";
import { registerListSuppressions } from "./list";
import { registerRemoveSuppression } from "./remove";

/** The suppressions resource: `GET·POST·DELETE /v1/suppressions`. */
export function registerSuppressionRoutes(app: App): void {
  registerListSuppressions(app);
  registerAddSuppression(app);
  registerRemoveSuppression(app);
}
