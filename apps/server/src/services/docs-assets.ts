import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { MailrouteError } from "@mailroute/core";

/** The files of `swagger-ui-dist` the docs page loads, and the type each is served as. */
const served: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};

/** One served file. */
export interface DocsAsset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/**
 * Swagger UI's files for `/docs`, read from the installed `swagger-ui-dist` package (never
 * copied into the repository, never from a CDN) on first request and kept in memory. The package
 * is found from this module at run time, so the sources and `npm start`'s compiled `dist/` both
 * resolve it through node_modules.
 */
export function createDocsAssetsService(options: { directory?: string } = {}) {
  let directory = options.directory;
  const cache = new Map<string, Promise<DocsAsset>>();
  const load = async (name: string, contentType: string): Promise<DocsAsset> => {
    directory ??= dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
    return { body: new Uint8Array(await readFile(join(directory, name))), contentType };
  };
  return {
    /** One asset by file name; NOT_FOUND for any name that is not one of Swagger UI's served files. */
    asset(name: string): Promise<DocsAsset> {
      const contentType = Object.hasOwn(served, name) ? served[name] : undefined;
      if (contentType === undefined) {
        return Promise.reject(new MailrouteError("NOT_FOUND", `no docs asset named ${name}`));
      }
      let loaded = cache.get(name);
      if (!loaded) {
        loaded = load(name, contentType);
        // A failed read is tried again next time rather than kept.
        loaded.catch(() => cache.delete(name));
        cache.set(name, loaded);
      }
      return loaded;
    },
  };
}

/** The docs assets service. */
export type DocsAssetsService = ReturnType<typeof createDocsAssetsService>;
