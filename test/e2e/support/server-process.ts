import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** A mailroute server running as its own process, started the way `npm start` starts it. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote, stdout and stderr. */
  output(): string;
  /** What it wrote to stdout alone: JSON log lines. */
  stdout(): string;
  /** SIGKILL: no shutdown hooks, no flush; what a crash or power cut leaves behind. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once("exit", () => resolve());
  });
}

let built: Promise<void> | undefined;

/** Compiles apps/server/dist/main.js once per test process, as `npm start` does before it runs. */
function buildServer(): Promise<void> {
  built ??= new Promise((resolve, reject) => {
    execFile(process.execPath, ["apps/server/build.mjs"], { cwd: repositoryRoot }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
  return built;
}

/** Starts `node apps/server/dist/main.js` on a random port and waits for its banner. */
export async function startServer(environment: Record<string, string>): Promise<ServerProcess> {
  await buildServer();
  // Extra node flags for the server alone, e.g. to profile it during a bench run.
  const nodeArgs = (process.env.MAILROUTE_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "apps/server/dist/main.js"], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      NO_PROXY: "127.0.0.1,localhost",
      ...environment,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = () => {
      const match = /API\s+(http:\/\/localhost:\d+)\/v1/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace("localhost", "127.0.0.1"));
      }
    };
    // The banner goes to stderr, so stdout holds only JSON log lines.
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stdout: () => stdout,
    async kill() {
      child.kill("SIGKILL");
      await waitForExit(child);
    },
    async stop() {
      child.kill("SIGTERM");
      await waitForExit(child);
    },
  };
}

/** How a start that should fail ended: its exit code (null if it came up instead) and stderr. */
export interface RefusedStart {
  exitCode: number | null;
  stderr: string;
}

/**
 * Starts the server as `startServer` does, expecting it to refuse: resolves with its exit code
 * and stderr once it exits, or with `exitCode: null` (after stopping it) if it came up.
 */
export async function startServerExpectingRefusal(
  environment: Record<string, string>,
): Promise<RefusedStart> {
  await buildServer();
  const child = spawn(process.execPath, ["apps/server/dist/main.js"], {
    cwd: repositoryRoot,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let started = false;
  return new Promise<RefusedStart>((resolve) => {
    // The banner is written to stderr.
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!started && /API\s+http:\/\/localhost:\d+\/v1/.test(stderr)) {
        started = true;
        child.kill("SIGTERM");
      }
    });
    child.once("exit", (code) => resolve({ exitCode: started ? null : code, stderr }));
  });
}

/**
 * A new folder for one server's files: writes `config` as its `mailroute.config.json` and
 * returns the environment that points a server at that file, at `mailroute.db` beside it and at
 * `apiKey` as its admin key, plus `extra`. Restarts reuse the same environment, so the same
 * database.
 */
export function serverEnvironment(options: {
  prefix: string;
  config: unknown;
  apiKey: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  const folder = mkdtempSync(join(tmpdir(), `mailroute-${options.prefix}-`));
  const configPath = join(folder, "mailroute.config.json");
  writeFileSync(configPath, JSON.stringify(options.config));
  return {
    MAILROUTE_CONFIG: configPath,
    MAILROUTE_DATABASE: join(folder, "mailroute.db"),
    MAILROUTE_API_KEY: options.apiKey,
    ...options.extra,
  };
}
