import { defineConfig } from "tsup";

// ESM with declarations and no Node built-ins: one build for Node, Bun, Deno and browsers.
export default defineConfig({
  entry: ["src/index.ts"],
  format: "esm",
  platform: "neutral",
  target: "es2022",
  dts: true,
  clean: true,
  outDir: "dist",
});
