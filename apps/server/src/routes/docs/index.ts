import type { App } from "../../app-env";
import { registerDocsAssets, registerDocsPage } from "./page";

/**
 * `/docs`: the OpenAPI document rendered by Swagger UI, every file served by mailroute itself (no
 * CDN), without an API key: the page and `/openapi.json` hold nothing secret. Not in the OpenAPI
 * document: they are its reader, not part of the API.
 */
export function registerDocsRoutes(app: App): void {
  registerDocsPage(app);
  registerDocsAssets(app);
}
