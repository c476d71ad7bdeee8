import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

// Runs in a worker thread with a connection of its own. Plain CommonJS, so it needs no loader.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("synchronous = NORMAL");
// In the background, copy what has been committed so far, beside the writer, and tell how many
// frames the WAL holds.
const timer = setInterval(() => {
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ frames: result.log });
  } catch {}
}, workerData.intervalMs);
parentPort.on("message", (command) => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ done: true, frames: 0 });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
  if (command === "close") {
    clearInterval(timer);
    db.close();
  }
});
`;

/** Copies the WAL back into the database file from a worker thread. */
export interface Checkpointer {
  /** Checkpoints every frame committed so far; resolves when done. */
  run(): Promise<void>;
  /** Frames in the WAL at the last background checkpoint: how far it grew without a restart. */
  frames(): number;
  /** Runs a last checkpoint and stops the worker. */
  close(): Promise<void>;
}

/**
 * A worker thread with its own connection that checkpoints the WAL of `path`, in place of
 * SQLite's automatic checkpoint, which runs inside whichever commit crosses 1000 pages: on the
 * event loop, copying pages and fsyncing the database file while every request waits. The worker
 * copies committed frames every `intervalMs` beside the writer (PASSIVE never blocks it); such a
 * checkpoint cannot finish while commits keep coming, so once the WAL has grown past a limit the
 * write queue asks for one between batches, committing nothing until it is done: it copies the
 * last frames, and the next commit starts the WAL over. Under light load the background
 * checkpoints catch up by themselves and the writer never waits.
 */
export function startCheckpointer(path: string, intervalMs = 100): Checkpointer {
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: {
      path,
      intervalMs,
      driver: createRequire(import.meta.url).resolve("better-sqlite3"),
    },
  });
  worker.unref();
  // The worker answers commands in the order they came: the oldest waiter is answered first.
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let failure: Error | null = null;
  let frames = 0;
  const fail = (error: Error) => {
    failure ??= error;
    // Reported as overdue, so the writer asks at once, hears of the failure, and turns SQLite's
    // own checkpoints back on.
    frames = Number.POSITIVE_INFINITY;
    for (const waiter of waiting.splice(0)) {
      waiter.reject(error);
    }
  };
  worker.on("message", (message: { done?: boolean; frames?: number; error?: string }) => {
    if (message.error) {
      fail(new Error(`checkpoint failed: ${message.error}`));
      return;
    }
    if (!failure) {
      frames = message.frames ?? frames;
    }
    if (message.done) {
      waiting.shift()?.resolve();
    }
  });
  worker.on("error", fail);
  worker.on("exit", () => fail(new Error("the checkpoint worker stopped")));
  const ask = (command: "checkpoint" | "close") =>
    new Promise<void>((resolve, reject) => {
      if (failure) {
        reject(failure);
        return;
      }
      waiting.push({ resolve, reject });
      worker.postMessage(command);
    });
  return {
    run: () => ask("checkpoint"),
    frames: () => frames,
    async close() {
      await ask("close").catch(() => undefined);
      await worker.terminate();
    },
  };
}
