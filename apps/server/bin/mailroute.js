#!/usr/bin/env node
// The `mailroute` command of the server package: runs src/cli.ts through tsx, with mailroute's
// workspace packages resolved to their TypeScript sources (the `source` export condition), so
// no build step comes first. Exits as the CLI exits.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const child = spawn(
  process.execPath,
  ["--conditions=source", "--import", import.meta.resolve("tsx"), cli, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
// Ctrl-C reaches the CLI itself (same process group); this process only waits for it.
process.on("SIGINT", () => {});
child.on("exit", (code, signal) => {
  process.exitCode = code ?? (signal === "SIGINT" ? 130 : 1);
});
