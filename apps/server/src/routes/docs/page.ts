import type { App } from "../../app-env";
import { assetsPath, docsContentSecurityPolicy, docsPage, initializerScript } from "./pages";

const headers = {
  "content-security-policy": docsContentSecurityPolicy,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** `GET /docs` and its initializer script: static text of mailroute's own. */
export function registerDocsPage(app: App): void {
  app.get("/docs", (c) => c.html(docsPage, 200, headers));
  app.get(`${assetsPath}/docs-initializer.js`, (c) =>
    c.body(initializerScript, 200, {
      ...headers,
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=3600",
    }),
  );
}

/** `GET /docs/assets/:name`: Swagger UI's files, from the installed package. */
export function registerDocsAssets(app: App): void {
  app.get(`${assetsPath}/:name`, async (c) => {
    const { body, contentType } = await c.get("services").docs.asset(c.req.param("name"));
    return c.body(body, 200, {
      ...headers,
      "content-type": contentType,
      "cache-control": "public, max-age=3600",
    });
  });
}
