import type { SqliteDatabase } from "./open-database";

interface PendingWrite {
  work: (db: SqliteDatabase) => unknown;
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Runs a write inside the shared transaction; resolves only after that transaction commits and
 * is durable. A write is atomic: when it throws, none of its changes are kept, so repository
 * functions never open transactions of their own.
 *
 * `durable: false` resolves right after the commit, without waiting for the fsync: for writes
 * whose loss in a power cut is harmless because nothing outside the database acts on them before
 * a later durable write (which, coming later in the log, makes them durable too). A dispatch
 * claim is one: if it is lost, the job is simply claimed again.
 */
export type WriteQueue = <T>(
  work: (db: SqliteDatabase) => T,
  options?: { durable?: boolean },
) => Promise<T>;

/**
 * Group commit. Writes issued in the same turn of the event loop run in ONE immediate
 * transaction, and every caller's promise settles only after the shared COMMIT and, when `sync`
 * is given, after the fsync that makes it durable. Under load many requests share one fsync;
 * alone, a write waits one turn of the loop and one fsync.
 *
 * A batch first runs without savepoints: a savepoint makes SQLite copy every page it touches to
 * a sub-journal, which doubled the cost of an accepted message. Should a write throw, that
 * attempt is rolled back whole and the batch runs again with each write in its own savepoint,
 * so the failing write is undone alone. Writes are therefore run twice in that case and must
 * not have effects outside the database.
 */
export function createWriteQueue(
  db: SqliteDatabase,
  options: {
    /**
     * Makes a committed batch durable before its callers resolve (an fsync of the WAL, run off
     * the event loop); absent when commits are durable by themselves or need not be.
     */
    sync?: () => Promise<void>;
    /**
     * Copies the WAL into the database file (see checkpointer.ts); run between batches, with
     * commits held meanwhile, when `due()` says the WAL has grown too long. A failure turns
     * SQLite's own automatic checkpoints back on.
     */
    checkpoint?: { run: () => Promise<void>; due: () => boolean };
  } = {},
): WriteQueue {
  const client = db.$client;
  const sql = {
    begin: client.prepare("begin immediate"),
    commit: client.prepare("commit"),
    rollback: client.prepare("rollback"),
    savepoint: client.prepare("savepoint write"),
    release: client.prepare("release write"),
    rollbackTo: client.prepare("rollback to write"),
  };
  let pending: PendingWrite[] = [];
  let scheduled = false;
  // While a batch's fsync runs, new writes wait and go into the next batch together: one commit
  // for all of them instead of one per turn of the event loop.
  let syncing = false;
  let checkpoint = options.checkpoint;
  const checkpointIfDue = async () => {
    if (!checkpoint?.due()) {
      return;
    }
    await checkpoint.run().catch(() => {
      checkpoint = undefined;
      if (client.open) {
        client.pragma("wal_autocheckpoint = 1000");
      }
    });
  };
  const schedule = () => {
    if (!scheduled && !syncing && pending.length > 0) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  /** Runs `body` in one immediate transaction: committed, or rolled back if anything throws. */
  const transaction = <T>(body: () => T): T => {
    sql.begin.run();
    try {
      const value = body();
      sql.commit.run();
      return value;
    } catch (error) {
      // SQLite may have ended the transaction itself (a failed COMMIT, a full disk).
      if (client.inTransaction) {
        sql.rollback.run();
      }
      throw error;
    }
  };

  /** Every write in one transaction; null (rolled back) as soon as one throws. */
  const runTogether = (batch: PendingWrite[]): Outcome[] | null => {
    try {
      return transaction(() => batch.map((item): Outcome => ({ ok: true, value: item.work(db) })));
    } catch {
      return null;
    }
  };

  /** Every write in its own savepoint, so a failing one is undone alone. */
  const runIsolated = (batch: PendingWrite[]): Outcome[] =>
    transaction(() =>
      batch.map((item): Outcome => {
        sql.savepoint.run();
        try {
          const value = item.work(db);
          sql.release.run();
          return { ok: true, value };
        } catch (error) {
          if (!client.inTransaction) {
            throw error;
          }
          sql.rollbackTo.run();
          sql.release.run();
          return { ok: false, error };
        }
      }),
    );

  function flush() {
    scheduled = false;
    const batch = pending;
    pending = [];
    let outcomes: Outcome[];
    try {
      outcomes = runTogether(batch) ?? runIsolated(batch);
    } catch (error) {
      // The commit itself failed: nothing of the batch is durable.
      for (const item of batch) {
        item.reject(error);
      }
      return;
    }
    const settle = (durable: boolean) =>
      batch.forEach((item, index) => {
        if (item.durable !== durable) {
          return;
        }
        const outcome = outcomes[index];
        if (outcome?.ok) {
          item.resolve(outcome.value);
        } else {
          item.reject(outcome?.error);
        }
      });
    settle(false);
    if (!options.sync) {
      settle(true);
      return;
    }
    if (!batch.some((item) => item.durable)) {
      return;
    }
    // The event loop goes on (parsing requests, running reads) while the disk syncs.
    syncing = true;
    options
      .sync()
      .then(
        () => settle(true),
        (error: unknown) => {
          for (const item of batch) {
            if (item.durable) {
              item.reject(error);
            }
          }
        },
      )
      .then(checkpointIfDue)
      .finally(() => {
        syncing = false;
        schedule();
      });
  }

  return <T>(work: (db: SqliteDatabase) => T, writeOptions: { durable?: boolean } = {}) =>
    new Promise<T>((resolve, reject) => {
      pending.push({
        work,
        durable: writeOptions.durable ?? true,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      schedule();
    });
}
