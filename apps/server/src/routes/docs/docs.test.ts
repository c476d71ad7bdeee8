import { createFakeProvider } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { closeAppsAfterEach } from "../../test-support";

const setup = closeAppsAfterEach();
const origin = "http://mailroute.internal:3000";

const contentTypes: Record<string, RegExp> = {
  ".js": /^text\/javascript; charset=utf-8$/,
  ".css": /^text\/css; charset=utf-8$/,
  ".png": /^image\/png$/,
  ".json": /^application\/json/,
};

/** Every URL the page loads: script src, link href, and the document its initializer fetches. */
async function referencedUrls(app: Awaited<ReturnType<typeof setup>>, html: string) {
  const urls = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map(([, url]) => url as string);
  const scripts = await Promise.all(
    urls
      .filter((url) => url.endsWith("initializer.js"))
      .map(async (url) => (await app.app.request(new URL(url, origin).href)).text()),
  );
  // The initializer's config: `url: "…"` and anything else quoted that looks like a URL.
  const configured = scripts.flatMap((script) =>
    [...script.matchAll(/"((?:https?:)?\/[^"]*)"/g)].map(([, url]) => url as string),
  );
  return [...urls, ...configured];
}

describe("GET /docs", () => {
  it("renders the OpenAPI with every asset served by mailroute itself, without an API key", async () => {
    const app = await setup({ providers: [createFakeProvider("primary")] });
    const page = await app.app.request(`${origin}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<div id="swagger-ui">');
    const urls = await referencedUrls(app, html);
    expect(urls).toEqual(
      expect.arrayContaining([
        "/docs/assets/swagger-ui.css",
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/assets/docs-initializer.js",
        "/openapi.json",
      ]),
    );
    for (const url of urls) {
      // Relative to this mailroute: no scheme, no other host, no protocol-relative `//host`.
      expect(url).toMatch(/^\/[^/]/);
      const resolved = new URL(url, origin);
      expect(resolved.origin).toBe(origin);
      const response = await app.app.request(resolved.href);
      expect(response.status, url).toBe(200);
      const extension = url.slice(url.lastIndexOf("."));
      expect(response.headers.get("content-type"), url).toMatch(
        contentTypes[extension] ?? /^never$/,
      );
      const body = new Uint8Array(await response.arrayBuffer());
      expect(body.byteLength, url).toBeGreaterThan(0);
    }
    // The stylesheet loads nothing from elsewhere either: its only url()s are inline SVGs.
    const css = await (await app.app.request(`${origin}/docs/assets/swagger-ui.css`)).text();
    const cssUrls = [...css.matchAll(/url\(\s*["']?([^"')]+)/g)].map(([, url]) => url as string);
    expect(cssUrls.every((url) => url.startsWith("data:"))).toBe(true);
    expect(css).not.toMatch(/@import|@font-face/);
  });

  it("sets a policy that allows scripts, styles, fonts and requests from mailroute only", async () => {
    const app = await setup({ providers: [createFakeProvider("primary")] });
    for (const path of ["/docs", "/docs/assets/swagger-ui-bundle.js"]) {
      const policy = (await app.app.request(path)).headers.get("content-security-policy") ?? "";
      const directives = Object.fromEntries(
        policy.split(";").map((part) => {
          const [name, ...values] = part.trim().split(/\s+/);
          return [name, values];
        }),
      );
      expect(directives["default-src"]).toEqual(["'none'"]);
      expect(directives["script-src"]).toEqual(["'self'"]);
      // Swagger UI sets style attributes on its elements (swagger-ui#10655).
      expect(directives["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
      expect(directives["font-src"]).toEqual(["'self'"]);
      expect(directives["connect-src"]).toEqual(["'self'"]);
      expect(directives["img-src"]).toEqual(["'self'", "data:"]);
    }
  });

  it("turns off the validator badge and sends the Bearer key of the apiKey scheme when trying a call", async () => {
    const app = await setup({ providers: [createFakeProvider("primary")] });
    const script = await (await app.app.request("/docs/assets/docs-initializer.js")).text();
    expect(script).toMatch(/validatorUrl: null/);
    expect(script).toMatch(/url: "\/openapi\.json"/);
    const document = (await (await app.app.request("/openapi.json")).json()) as {
      security: unknown[];
      components: { securitySchemes: Record<string, unknown> };
    };
    // Swagger UI's "Authorize" takes the key for this scheme and sends it on every try.
    expect(document.components.securitySchemes.apiKey).toEqual(
      expect.objectContaining({ type: "http", scheme: "bearer" }),
    );
    expect(document.security).toEqual([{ apiKey: [] }]);
  });

  it("serves only Swagger UI's own files, not the rest of node_modules", async () => {
    const app = await setup({ providers: [createFakeProvider("primary")] });
    for (const name of [
      "package.json",
      "index.html",
      "..%2F..%2Fpackage.json",
      "swagger-ui.js.map",
    ]) {
      expect((await app.app.request(`/docs/assets/${name}`)).status, name).toBe(404);
    }
  });
});
