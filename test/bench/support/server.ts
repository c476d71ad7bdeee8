import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sendGridTestApiKey } from "@mailroute/emulators/sendgrid";
import { startServer } from "../../e2e/support/server-process";
import { cores, pinToCore } from "./proc";

/** The admin key every bench server accepts. */
export const benchApiKey = "bench-admin-key-0123456789";

const live = new Set<{ kill(signal: NodeJS.Signals): void }>();
// An interrupted bench must not leave servers behind (they are not tied to this process).
process.once("exit", () => {
  for (const child of live) {
    child.kill("SIGKILL");
  }
});

/** A mailroute server process started for one scenario. */
export interface BenchServer {
  url: string;
  pid: number;
  /** Headers for /v1 calls: the admin key and JSON. */
  headers: Record<string, string>;
  /** What the server printed (logs at `warn` and above). */
  output(): string;
  /** SIGTERM, SIGKILL after 10 s, then the temporary folder is removed. */
  stop(): Promise<void>;
}

/**
 * Starts `node apps/server/dist/main.js` (through test/e2e's startServer, which builds it) with this
 * configuration, a fresh database in a temporary folder unless `database` names one, and pins
 * it to the subject core.
 */
export async function startBenchServer(
  config: Record<string, unknown>,
  options: { database?: string } = {},
): Promise<BenchServer> {
  const folder = mkdtempSync(join(tmpdir(), "mailroute-bench-"));
  const configPath = join(folder, "mailroute.config.json");
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const server = await startServer({
    MAILROUTE_CONFIG: configPath,
    MAILROUTE_DATABASE: options.database ?? join(folder, "mailroute.db"),
    MAILROUTE_API_KEY: benchApiKey,
  }).catch((error: unknown) => {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  });
  live.add(server.child);
  const pid = server.child.pid ?? 0;
  pinToCore(pid, cores.subject);
  return {
    url: server.url,
    pid,
    headers: { authorization: `Bearer ${benchApiKey}`, "content-type": "application/json" },
    output: server.output,
    async stop() {
      const timer = setTimeout(() => void server.kill(), 10_000);
      await server.stop();
      clearTimeout(timer);
      live.delete(server.child);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A SendGrid provider entry pointing at an emulator (or any address). */
export function sendGridProvider(name: string, baseUrl: string): Record<string, unknown> {
  return { name, type: "sendgrid", apiKey: sendGridTestApiKey, baseUrl };
}
