import type { SqliteDatabase } from "./open-database";

interface PendingWrite {
  work: (db: SqliteDatabase) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Runs a write inside the shared transaction; resolves only after that transaction commits. */
export type WriteQueue = <T>(work: (db: SqliteDatabase) => T) => Promise<T>;

/**
 * Group commit. Writes issued in the same turn of the event loop run in ONE immediate
 * transaction, each inside its own savepoint so a failing write rolls back alone, and every
 * caller's promise settles only after the shared COMMIT and, when `sync` is given, after the
 * fsync that makes it durable. Under load many requests share one fsync; alone, a write waits
 * one turn of the loop and one fsync.
 */
export function createWriteQueue(
  db: SqliteDatabase,
  options: {
    /**
     * Makes a committed batch durable before its callers resolve (an fsync of the WAL, run off
     * the event loop); absent when commits are durable by themselves or need not be.
     */
    sync?: () => Promise<void>;
  } = {},
): WriteQueue {
  let pending: PendingWrite[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      db.transaction(
        (tx) => {
          for (const item of batch) {
            try {
              // A nested transaction is a savepoint: its failure undoes only its own writes.
              const value = tx.transaction((savepoint) =>
                item.work(savepoint as unknown as SqliteDatabase),
              );
              outcomes.push({ ok: true, value });
            } catch (error) {
              outcomes.push({ ok: false, error });
            }
          }
        },
        { behavior: "immediate" },
      );
    } catch (error) {
      // The commit itself failed: nothing of the batch is durable.
      for (const item of batch) {
        item.reject(error);
      }
      return;
    }
    const settle = () =>
      batch.forEach((item, index) => {
        const outcome = outcomes[index];
        if (outcome?.ok) {
          item.resolve(outcome.value);
        } else {
          item.reject(outcome?.error);
        }
      });
    if (!options.sync) {
      settle();
      return;
    }
    // The event loop goes on (parsing requests, committing the next batch) while the disk syncs.
    options.sync().then(settle, (error: unknown) => {
      for (const item of batch) {
        item.reject(error);
      }
    });
  };

  return <T>(work: (db: SqliteDatabase) => T) =>
    new Promise<T>((resolve, reject) => {
      pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
