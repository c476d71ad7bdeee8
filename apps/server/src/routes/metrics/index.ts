import type { App } from "../../app-env";
import { registerScrapeMetrics } from "./scrape";

/** `/metrics`: outside `/v1`, behind `metrics.token` or the loopback rule instead of an API key. */
export function registerMetricsRoutes(app: App): void {
  registerScrapeMetrics(app);
}
