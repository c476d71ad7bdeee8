import type { App } from "../../app-env";
import { registerListCaptures } from "./list";

/** The captured messages resource. */
export function registerCaptureRoutes(app: App): void {
  registerListCaptures(app);
}
