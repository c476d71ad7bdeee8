import { defineConfig } from "vitest/config";

// Workspace packages built to dist (@mailroute/client) resolve to their TypeScript sources
// through their `source` export condition, so tests need no build first; the rest are Vite's
// default server conditions.
export default defineConfig({
  ssr: { resolve: { conditions: ["source", "module", "node", "development|production"] } },
  // Many tests wait on a real PostgreSQL server (a test file's database is created from the
  // migrated template, each app empties it), which takes more than vitest's 5 s default on a
  // busy machine without anything being wrong. A test that hangs still fails, after 20 s.
  test: { testTimeout: 20_000, hookTimeout: 30_000 },
});
