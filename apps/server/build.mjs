// Compiles the server into ES modules under dist/ for `npm start`: dist/main.js, plus one chunk
// per provider adapter, imported only when a configured provider uses it. mailroute's own
// workspace packages are bundled in (their exports point at TypeScript sources); every npm
// dependency stays an import, resolved from node_modules at run time as usual. Running the
// compiled files instead of going through tsx saves about 50 MB of resident memory: tsx keeps a
// loader thread and every transpiled module's source map for the life of the process.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

const dist = new URL("dist/", import.meta.url);

const external = {
  name: "npm-dependencies-external",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@mailroute/") ? undefined : { path: args.path, external: true },
    );
  },
};

const result = await build({
  entryPoints: [new URL("src/main.ts", import.meta.url).pathname],
  outdir: dist.pathname,
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Stack traces map back to the TypeScript sources with `node --enable-source-maps`.
  sourcemap: "linked",
  // Workspace packages built to dist (@mailroute/client) are bundled from their TypeScript
  // sources, as the others are: no build step before `npm start`.
  conditions: ["source"],
  plugins: [external],
  metafile: true,
  logLevel: "warning",
});

// Chunks of earlier builds are no longer referenced; a running server loaded its own at start.
const written = new Set(Object.keys(result.metafile.outputs).map((path) => path.split("/").pop()));
const chunks = new URL("chunks/", dist);
for (const file of existsSync(chunks) ? readdirSync(chunks) : []) {
  if (!written.has(file)) {
    rmSync(new URL(file, chunks));
  }
}
