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
  /**
   * How many items in hand are only waiting on a call stuck past its slow-call threshold. They do
   * not hold a slot (up to `concurrency` of them), so a hanging provider cannot starve the queue.
   */
  stuck?: () => number;
}): ClaimLoop {
  const inHand = new Set<Promise<void>>();
  // Items whose call has hung until its deadline would otherwise fill every slot, and messages
  // waiting behind them would wait a deadline for a slot before a (perhaps healthy) provider is
  // even tried. Stuck items stop counting, so those messages are claimed and skip the stalled
  // provider; at most `concurrency` more are held at once, so memory and leases stay bounded.
  const busy = () =>
    inHand.size - Math.min(options.stuck?.() ?? 0, options.concurrency, inHand.size);
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
    return work;
  };

  /** Claims up to the free slots and starts handling each item; answers their work. */
  async function round(): Promise<Promise<void>[]> {
    const free = options.concurrency - busy();
    if (free <= 0) {
      return [];
    }
    const items = await options.claim(free);
    return items.map(track);
  }

  async function run(): Promise<void> {
    while (running) {
      let claimed = 0;
      try {
        claimed = (await round()).length;
      } catch (error) {
        options.logger.error({ err: error }, `${options.name}: claiming failed`);
      }
      if (notified && busy() < options.concurrency) {
        notified = false;
        continue;
      }
      if (claimed === 0 || busy() >= options.concurrency) {
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
      await Promise.all(claimed);
      return claimed.length;
    },
  };
}
