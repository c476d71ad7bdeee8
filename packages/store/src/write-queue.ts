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
 * caller's promise settles only after the shared COMMIT (with synchronous=FULL, after its fsync).
 * Under load many requests share one fsync; alone, a write waits one turn of the loop.
 */
export function createWriteQueue(db: SqliteDatabase): WriteQueue {
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
    batch.forEach((item, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) {
        item.resolve(outcome.value);
      } else {
        item.reject(outcome?.error);
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
