import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { pinToCore } from "./proc";

/** A bench helper process (load generator, emulator host, baseline server, SDK sender). */
export interface BenchChild<Ready> {
  pid: number;
  /** What the process announced once it was ready (its address, a public key…). */
  ready: Ready;
  /** Sends one command and resolves with the process's answer to it. */
  call<Answer>(command: unknown): Promise<Answer>;
  stop(): Promise<void>;
}

interface Envelope {
  id?: number;
  ready?: unknown;
  answer?: unknown;
  error?: string;
}

/**
 * Forks `test/bench/processes/<script>` under tsx, pins it to `core`, and waits for its
 * `{ready}` message. Commands and answers travel over the IPC channel, one id each.
 */
export async function startChild<Ready>(
  script: string,
  core: number,
  argument: unknown = null,
): Promise<BenchChild<Ready>> {
  const path = fileURLToPath(new URL(`../processes/${script}`, import.meta.url));
  const child: ChildProcess = fork(path, [JSON.stringify(argument)], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, NO_PROXY: "127.0.0.1,localhost" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    serialization: "advanced",
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 30_000);
    child.on("message", (message: Envelope) => {
      if ("ready" in message) {
        clearTimeout(timer);
        resolve(message.ready as Ready);
        return;
      }
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter || message.id === undefined) {
        return;
      }
      pending.delete(message.id);
      if (message.error !== undefined) {
        waiter.reject(new Error(`${script}: ${message.error}`));
      } else {
        waiter.resolve(message.answer);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      const error = new Error(`${script} exited with ${code}`);
      reject(error);
      for (const waiter of pending.values()) {
        waiter.reject(error);
      }
      pending.clear();
    });
  });
  const pid = child.pid ?? 0;
  pinToCore(pid, core);
  return {
    pid,
    ready,
    call<Answer>(command: unknown) {
      const id = nextId;
      nextId += 1;
      return new Promise<Answer>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The child side: announces `ready`, then answers each command with `handle`'s result. Used by
 * every script in test/bench/processes.
 */
export function serveCommands<Command>(
  ready: unknown,
  handle: (command: Command) => Promise<unknown>,
): void {
  const send = (message: Envelope) => process.send?.(message);
  process.on("message", (message: { id: number; command: Command }) => {
    handle(message.command).then(
      (answer) => send({ id: message.id, answer }),
      (error: unknown) =>
        send({ id: message.id, error: error instanceof Error ? error.stack : String(error) }),
    );
  });
  process.on("disconnect", () => process.exit(0));
  send({ ready });
}

/** The JSON argument a child was started with. */
export function childArgument<T>(): T {
  return JSON.parse(process.argv[2] ?? "null") as T;
}
