import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repositoryRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** How `npm run mailroute --` runs the CLI: through tsx, workspace packages from their sources. */
const cliArgs = ["--conditions=source", "--import", "tsx", "apps/server/src/cli.ts"];

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mailroute <args>` as a process with `environment` added, `stdin` written to it. */
export function runCli(
  environment: Record<string, string>,
  args: string[],
  stdin?: string,
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...cliArgs, ...args],
      { cwd: repositoryRoot, env: { ...process.env, NO_PROXY: "127.0.0.1", ...environment } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? "");
  });
}

/** Starts a long-running `mailroute <args>` (a tail); `output()` is what it wrote to stdout. */
export function spawnCli(
  environment: Record<string, string>,
  args: string[],
): { child: ChildProcess; output(): string; stop(): Promise<void> } {
  const child = spawn(process.execPath, [...cliArgs, ...args], {
    cwd: repositoryRoot,
    env: { ...process.env, NO_PROXY: "127.0.0.1", ...environment },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return {
    child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}
