import type { App } from "../../app-env";
import { registerLiveness } from "./live";
import { registerReadiness } from "./ready";

/** `/healthz` and `/readyz`, without authentication. */
export function registerHealthRoutes(app: App): void {
  registerLiveness(app);
  registerReadiness(app);
}
