import { defineConfig } from "vitest/config";

// Workspace packages built to dist (@mailroute/client) resolve to their TypeScript sources
// through their `source` export condition, so tests need no build first; the rest are Vite's
// default server conditions.
export default defineConfig({
  ssr: { resolve: { conditions: ["source", "module", "node", "development|production"] } },
});
