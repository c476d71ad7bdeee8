import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Proves the import walls of biome.json: Biome lints one deliberately bad import per walled folder
// and must refuse it, and a few good imports (the exceptions the walls allow) must pass. Biome's
// stdin mode prints no lint diagnostics, so the cases are written into a scratch copy of the
// repository's layout (a temporary folder holding the real biome.json), never into the tree.
const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
const biome = join(repositoryRoot, "node_modules/@biomejs/biome/bin/biome");

interface WallCase {
  /** Where the importing file sits, relative to the repository root. */
  file: string;
  specifier: string;
  dynamic?: boolean;
}

const refused: (WallCase & { wall: string })[] = [
  // Everywhere: another package only through its public entry.
  { wall: "everywhere", file: "apps/server/src/wall.ts", specifier: "@mailroute/core/src/index" },
  { wall: "everywhere", file: "test/e2e/wall.ts", specifier: "@mailroute/store/src/sqlite-store" },
  // Core and providers are pure: no framework, storage, environment, server or other provider.
  { wall: "core", file: "packages/core/src/wall.ts", specifier: "hono" },
  { wall: "core", file: "packages/core/src/wall.ts", specifier: "drizzle-orm" },
  { wall: "core", file: "packages/core/src/wall.ts", specifier: "better-sqlite3" },
  { wall: "core", file: "packages/core/src/wall.ts", specifier: "node:process" },
  { wall: "core", file: "packages/core/src/wall.ts", specifier: "@mailroute/store" },
  { wall: "core", file: "packages/core/src/wall.ts", specifier: "@mailroute/server" },
  { wall: "core", file: "packages/core/src/wall.ts", specifier: "@mailroute/provider-sendgrid" },
  { wall: "core", file: "packages/core/src/wall.ts", specifier: "@mailroute/store/src/json" },
  { wall: "templates", file: "packages/templates/src/wall.ts", specifier: "node:process" },
  { wall: "templates", file: "packages/templates/src/wall.ts", specifier: "@mailroute/store" },
  { wall: "templates", file: "packages/templates/src/wall.ts", specifier: "hono" },
  { wall: "providers", file: "packages/providers/sendgrid/src/wall.ts", specifier: "hono" },
  { wall: "providers", file: "packages/providers/sendgrid/src/wall.ts", specifier: "node:process" },
  {
    wall: "providers",
    file: "packages/providers/sendgrid/src/wall.ts",
    specifier: "@mailroute/provider-mailgun",
  },
  { wall: "providers", file: "packages/providers/sendgrid/src/wall.ts", specifier: "drizzle-orm" },
  {
    wall: "providers",
    file: "packages/providers/sendgrid/src/wall.ts",
    specifier: "@mailroute/core/src/index",
  },
  // The store only reads and writes rows: no HTTP, no server, no provider.
  { wall: "store", file: "packages/store/src/wall.ts", specifier: "hono" },
  { wall: "store", file: "packages/store/src/wall.ts", specifier: "hono/http-exception" },
  {
    wall: "store",
    file: "packages/store/src/repositories/wall.ts",
    specifier: "@hono/zod-openapi",
  },
  { wall: "store", file: "packages/store/src/wall.ts", specifier: "@mailroute/server" },
  { wall: "store", file: "packages/store/src/wall.ts", specifier: "@mailroute/provider-sendgrid" },
  { wall: "store", file: "packages/store/src/wall.ts", specifier: "@mailroute/core/src/index" },
  // Services receive built providers; only providers.ts imports the provider packages.
  {
    wall: "services",
    file: "apps/server/src/services/wall.ts",
    specifier: "@mailroute/provider-sendgrid",
  },
  {
    wall: "services",
    file: "apps/server/src/services/inbound-webhooks/wall.ts",
    specifier: "@mailroute/provider-postmark",
    dynamic: true,
  },
  {
    wall: "services",
    file: "apps/server/src/services/wall.ts",
    specifier: "@mailroute/store/src/sqlite-store",
  },
  // Routes call services: no store (nor a subpath of it), no Drizzle, no provider, no deep import.
  {
    wall: "routes",
    file: "apps/server/src/routes/messages/wall.ts",
    specifier: "@mailroute/store",
  },
  { wall: "routes", file: "apps/server/src/routes/messages/wall.ts", specifier: "drizzle-orm" },
  {
    wall: "routes",
    file: "apps/server/src/routes/messages/wall.ts",
    specifier: "@mailroute/store/testing",
  },
  {
    wall: "routes",
    file: "apps/server/src/routes/messages/wall.ts",
    specifier: "drizzle-orm/sqlite-core",
  },
  { wall: "routes", file: "apps/server/src/routes/messages/wall.ts", specifier: "better-sqlite3" },
  {
    wall: "routes",
    file: "apps/server/src/routes/messages/wall.ts",
    specifier: "@mailroute/store",
    dynamic: true,
  },
  {
    wall: "routes",
    file: "apps/server/src/routes/inbound-webhooks/wall.ts",
    specifier: "@mailroute/provider-postmark",
  },
  // The client runs on Node, Bun, Deno and browsers, and is published alone: no Node built-in
  // (web fetch, crypto.subtle and TextEncoder only) and none of mailroute's own packages.
  { wall: "client", file: "packages/client/src/wall.ts", specifier: "node:crypto" },
  { wall: "client", file: "packages/client/src/wall.ts", specifier: "node:buffer" },
  { wall: "client", file: "packages/client/src/wall.ts", specifier: "node:fs", dynamic: true },
  { wall: "client", file: "packages/client/src/wall.ts", specifier: "@mailroute/core" },
  { wall: "client", file: "packages/client/src/wall.ts", specifier: "@mailroute/server" },
  // A Biome override replaces the rule's options rather than adding to them, so every walled
  // folder's override repeats the deep-import pattern; without it a deep import passes there.
  {
    wall: "routes",
    file: "apps/server/src/routes/messages/wall.ts",
    specifier: "@mailroute/core/src/index",
  },
];

const allowed: (WallCase & { why: string })[] = [
  {
    why: "a provider uses core",
    file: "packages/providers/sendgrid/src/ok.ts",
    specifier: "@mailroute/core",
  },
  { why: "the store uses Drizzle", file: "packages/store/src/ok.ts", specifier: "drizzle-orm" },
  {
    why: "a route uses core",
    file: "apps/server/src/routes/messages/ok.ts",
    specifier: "@mailroute/core",
  },
  {
    why: "a service uses core",
    file: "apps/server/src/services/ok.ts",
    specifier: "@mailroute/core",
  },
  {
    why: "providers.ts builds the providers",
    file: "apps/server/src/providers.ts",
    specifier: "@mailroute/provider-sendgrid",
    dynamic: true,
  },
  {
    why: "the client's tests start a real server",
    file: "packages/client/test/ok.test.ts",
    specifier: "node:http",
  },
  {
    why: "a service's test builds a provider",
    file: "apps/server/src/services/ok.test.ts",
    specifier: "@mailroute/provider-capture",
  },
];

/** A module whose one import is the case's; it uses what it imports, so only the wall can object. */
function sourceOf({ specifier, dynamic }: WallCase): string {
  return dynamic
    ? `export async function load(): Promise<unknown> {\n  return await import("${specifier}");\n}\n`
    : `import * as imported from "${specifier}";\n\nexport const value: unknown = imported;\n`;
}

function importOf({ specifier, dynamic }: WallCase): string {
  return dynamic ? `import("${specifier}")` : specifier;
}

/** One file per case, in the case's folder; a file the walls name (providers.ts) keeps its name. */
function scratchPathOf({ file }: WallCase, index: number): string {
  return file === "apps/server/src/providers.ts"
    ? file
    : file.replace(/(\.test)?\.ts$/, (extension) => `-${index}${extension}`);
}

interface Diagnostic {
  category: string;
  location: { path: string };
}

describe("the import walls of biome.json", () => {
  let workspace = "";
  const refusedCases = refused.map((wallCase, index) => ({
    ...wallCase,
    path: scratchPathOf(wallCase, index),
  }));
  const allowedCases = allowed.map((wallCase, index) => ({
    ...wallCase,
    path: scratchPathOf(wallCase, refused.length + index),
  }));
  const cases = [...refusedCases, ...allowedCases];
  let refusedPaths = new Set<string>();

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), "mailroute-walls-"));
    copyFileSync(join(repositoryRoot, "biome.json"), join(workspace, "biome.json"));
    for (const wallCase of cases) {
      mkdirSync(join(workspace, dirname(wallCase.path)), { recursive: true });
      writeFileSync(join(workspace, wallCase.path), sourceOf(wallCase));
    }
    let output: string;
    try {
      output = execFileSync(
        process.execPath,
        [
          biome,
          "lint",
          "--vcs-enabled=false",
          "--reporter=json",
          ...cases.map((wallCase) => wallCase.path),
        ],
        { cwd: workspace, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
    } catch (error) {
      // Biome exits 1 when it found errors; the report is still on stdout.
      output = (error as { stdout: string }).stdout;
    }
    const report = JSON.parse(output) as { diagnostics: Diagnostic[] };
    refusedPaths = new Set(
      report.diagnostics
        .filter((diagnostic) => diagnostic.category === "lint/style/noRestrictedImports")
        .map((diagnostic) => diagnostic.location.path),
    );
    // Nothing but the walls may speak: any other diagnostic means a case is badly written.
    const others = report.diagnostics.filter(
      (diagnostic) => diagnostic.category !== "lint/style/noRestrictedImports",
    );
    expect(others).toEqual([]);
  });

  afterAll(() => {
    rmSync(workspace, { recursive: true, force: true });
  });

  // A loop rather than it.each, so that each test's name shows the whole path and specifier.
  for (const wallCase of refusedCases) {
    it(`refuses ${importOf(wallCase)} in ${wallCase.file} (the ${wallCase.wall} wall)`, () => {
      expect(refusedPaths.has(wallCase.path)).toBe(true);
    });
  }

  for (const wallCase of allowedCases) {
    it(`allows ${importOf(wallCase)} in ${wallCase.file}: ${wallCase.why}`, () => {
      expect(refusedPaths.has(wallCase.path)).toBe(false);
    });
  }
});
