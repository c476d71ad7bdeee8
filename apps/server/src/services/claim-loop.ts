import type { Logger } from "pino";

/** A worker that claims work with a lease and handles several items at once. */
export interface ClaimLoop {
  start(): void;
  /** Stops claiming and waits for the work in hand (up to `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
  /** Wakes the loop: new work may be due. */
  notify(): void;
  /** Runs one claim round and waits for what it claimed; for tests and tools. */
  drain(): Promise<number>;
  readonly running: boolean;
}

/**
 * The loop both workers share: claim up to the free concurrency, handle each item without
 * waiting for the others, and sleep until the poll interval passes, an item finishes, or
 * `notify` is called.
 */
export function createClaimLoop<T>(options: {
  concurrency: number;
  pollIntervalMs: number;
  logger: Logger;
  /** What the loop is for, in log lines. */
  name: string;
  claim: (limit: number) => Promise<T[]>;
  /** Handles one item; a rejection is logged and the item's lease brings it back later. */
  handle: (item: T) => Promise<void>;
}): ClaimLoop {
  const inHand = new Set<Promise<void>>();
  let running = false;
  let wake: (() => void) | null = null;
  let loop: Promise<void> | null = null;
  // Set by a notify that arrived while no one was sleeping (during a claim), so it is not lost.
  let notified = false;

  const track = (item: T) => {
    const work = options
      .handle(item)
      .catch((error: unknown) => {
        options.logger.error(
          { err: error },
          `${options.name}: an item failed and will be claimed again`,
        );
      })
      .finally(() => {
        inHand.delete(work);
        // A slot is free: claim again at once.
        if (wake) {
          wake();
        } else {
          notified = true;
        }
      });
    inHand.add(work);
  };

  async function round(): Promise<number> {
    const free = options.concurrency - inHand.size;
    if (free <= 0) {
      return 0;
    }
    const items = await options.claim(free);
    for (const item of items) {
      track(item);
    }
    return items.length;
  }

  async function run(): Promise<void> {
    while (running) {
      let claimed = 0;
      try {
        claimed = await round();
      } catch (error) {
        options.logger.error({ err: error }, `${options.name}: claiming failed`);
      }
      if (notified && inHand.size < options.concurrency) {
        notified = false;
        continue;
      }
      if (claimed === 0 || inHand.size >= options.concurrency) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.pollIntervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  }

  return {
    get running() {
      return running;
    },
    start() {
      if (!running) {
        running = true;
        loop = run();
      }
    },
    async stop(timeoutMs = 10_000) {
      running = false;
      wake?.();
      await loop;
      await Promise.race([
        Promise.all([...inHand]),
        new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
    },
    notify() {
      if (wake) {
        wake();
      } else {
        notified = true;
      }
    },
    async drain() {
      const claimed = await round();
      await Promise.all([...inHand]);
      return claimed;
    },
  };
}
