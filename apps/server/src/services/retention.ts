import {
  type MailStore,
  type PurgeExpiredResult,
  type RetentionSettings,
  retentionCutoffs,
  retentionIntervalMs,
} from "@mailroute/core";
import type { Logger } from "pino";
import type { ServerMetrics } from "./metrics";

/** What one retention run purged, over all its batches. */
export interface RetentionRun extends PurgeExpiredResult {
  batches: number;
  /** Set when a batch failed (the database refused it); the next run starts over. */
  error?: unknown;
}

/** The worker that purges what the `retention` settings no longer keep. */
export interface RetentionWorker {
  start(): void;
  /** Stops after the batch in hand. */
  stop(): Promise<void>;
  /** One run: batches until nothing is left to purge (or one fails); for tests and tools. */
  runOnce(): Promise<RetentionRun>;
  readonly running: boolean;
}

/**
 * Runs the retention purge: at start and then every `interval`, small batches of
 * `store.purgeExpired` until nothing is due. After each batch it pauses as long as the batch took,
 * so the purge never has the writer more than half the time, however much is due.
 */
export function createRetentionWorker(dependencies: {
  store: Pick<MailStore, "purgeExpired">;
  settings: RetentionSettings;
  logger: Logger;
  metrics: Pick<ServerMetrics, "retentionPurged">;
  clock?: () => number;
  /** Waits between batches and runs; injected by tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}): RetentionWorker {
  const { store, settings, logger, metrics } = dependencies;
  const clock = dependencies.clock ?? Date.now;
  const sleep = dependencies.sleep ?? sleepUnlessAborted;
  const intervalMs = retentionIntervalMs(settings);
  let stopping = new AbortController();
  let loop: Promise<void> | null = null;

  async function runOnce(): Promise<RetentionRun> {
    const now = new Date(clock());
    const cutoffs = retentionCutoffs(settings, now);
    const run: RetentionRun = { content: 0, raw: 0, records: 0, batches: 0 };
    const started = performance.now();
    while (!stopping.signal.aborted) {
      const batchStarted = performance.now();
      let result: PurgeExpiredResult;
      try {
        result = await store.purgeExpired({ ...cutoffs, limit: settings.batchSize, now });
      } catch (error) {
        logger.warn({ err: error }, "retention: a purge batch failed; retrying next run");
        run.error = error;
        break;
      }
      run.batches += 1;
      run.content += result.content;
      run.raw += result.raw;
      run.records += result.records;
      metrics.retentionPurged(result);
      // A batch that did not use its whole budget found nothing more due.
      if (result.content + result.raw + result.records < settings.batchSize) {
        break;
      }
      await sleep(performance.now() - batchStarted, stopping.signal);
    }
    if (run.content + run.raw + run.records > 0) {
      logger.info(
        {
          content: run.content,
          raw: run.raw,
          records: run.records,
          batches: run.batches,
          durationMs: Math.round(performance.now() - started),
        },
        `retention purged ${run.content} contents, ${run.raw} raw payloads and ${run.records} records`,
      );
    }
    return run;
  }

  async function runForever(): Promise<void> {
    while (!stopping.signal.aborted) {
      await runOnce();
      await sleep(intervalMs, stopping.signal);
    }
  }

  return {
    get running() {
      return loop !== null;
    },
    start() {
      if (loop) {
        return;
      }
      stopping = new AbortController();
      loop = runForever().catch((error: unknown) => {
        logger.error({ err: error }, "retention worker stopped");
      });
    },
    async stop() {
      stopping.abort();
      await loop;
      loop = null;
    },
    runOnce,
  };
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    timer.unref();
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
