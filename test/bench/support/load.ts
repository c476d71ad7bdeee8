import { type BenchChild, startChild } from "./child";
import type { LoggedMessage } from "./message-log";
import { cores } from "./proc";

/** An autocannon run against one URL. */
export interface CannonCommand {
  kind: "cannon";
  /** Origin of the target, e.g. http://127.0.0.1:3000; the path comes from `paths` or `path`. */
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** Paths to cycle through, one per request. */
  paths?: string[];
  connections: number;
  durationSeconds?: number;
  amount?: number;
  /** Requests per second over all connections (autocannon paces each connection per second). */
  overallRate?: number;
  timeoutSeconds?: number;
  /** Keep each 202's message id with its send and accept times. */
  track?: boolean;
}

/** Signed SendGrid Event Webhook batches, posted for a time. */
export interface WebhookCommand {
  kind: "webhook";
  url: string;
  connections: number;
  durationSeconds: number;
  messages: LoggedMessage[];
  batchSize: number;
  firstBatch: number;
  startSeconds: number;
}

/** One message at a time, each waited for at the emulator before the next. */
export interface SequentialCommand {
  kind: "sequential";
  url: string;
  headers: Record<string, string>;
  body: string;
  count: number;
  controlUrl: string;
}

export type LoadCommand = CannonCommand | WebhookCommand | SequentialCommand;

/** What one load run measured, from the load generator's side. */
export interface LoadResult {
  startedAt: number;
  finishedAt: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** 2xx answers per second over the run. */
  perSecond: number;
  latenciesMs: number[];
  /** With `track`: each accepted message's id and when its 202 arrived (epoch ms). */
  tracked: { id: string; acceptedAt: number }[];
  batchesSent?: number;
}

/** The load generator process and the one thing it does. */
export interface LoadGenerator {
  pid: number;
  /** The public key of the generator's Event Webhook signer, for the server's configuration. */
  publicKey: string;
  run(command: LoadCommand): Promise<LoadResult>;
  stop(): Promise<void>;
}

/** Starts test/bench/processes/load.ts on the load core. */
export async function startLoadGenerator(): Promise<LoadGenerator> {
  const child: BenchChild<{ publicKey: string }> = await startChild("load.ts", cores.load);
  return {
    pid: child.pid,
    publicKey: child.ready.publicKey,
    run: (command) => child.call<LoadResult>(command),
    stop: () => child.stop(),
  };
}

/** Adds failed requests up: non-2xx answers, socket errors and timeouts. */
export function failures(result: LoadResult): number {
  return result.non2xx + result.errors + result.timeouts;
}
