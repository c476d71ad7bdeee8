import type pg from "pg";
import type { PgClient } from "./pg-client";

interface Pending<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/** How the group commit runs one batch. */
export interface GroupCommitOptions<I, O> {
  /** Writes every input of the batch (multi-row statements where it can); throws if any fails. */
  runBatch: (client: PgClient, inputs: I[]) => Promise<O[]>;
  /** Writes one input; used, each in its own savepoint, once `runBatch` failed. */
  runOne: (client: PgClient, input: I) => Promise<O>;
  /** Runs inside the batch's transaction after its writes (a NOTIFY, say). */
  beforeCommit?: (client: PgClient, inputs: I[], outcomes: Outcome<O>[]) => Promise<void>;
  /** Inputs per transaction at most. */
  maxBatch?: number;
  /**
   * Batches written at once, each on its own connection (4 unless given). One at a time would
   * leave the database idle while a batch's answers travel back and the next requests arrive;
   * PostgreSQL flushes concurrent commits together, so a few in flight keep its WAL busy.
   */
  maxInFlight?: number;
}

/**
 * Group commit, as the SQLite write queue does it: calls that arrive while a batch is being
 * written wait, and go in together as the next batch, ONE transaction on one connection, so a
 * burst of requests shares one COMMIT and its WAL flush instead of paying one each. Every caller
 * is answered only after that COMMIT returned (durable: `synchronous_commit = on`).
 *
 * A batch first runs as a whole (`runBatch`). Should it fail, the transaction is rolled back and
 * the batch runs again with each input in its own savepoint, so the failing input fails alone
 * and the others are committed. If the COMMIT itself fails, every caller of the batch gets that
 * error: nothing of it was stored.
 */
export function createGroupCommit<I, O>(
  pool: pg.Pool,
  options: GroupCommitOptions<I, O>,
): { submit(input: I): Promise<O>; idle(): Promise<void> } {
  const maxBatch = options.maxBatch ?? 500;
  const maxInFlight = options.maxInFlight ?? 4;
  let pending: Pending<I, O>[] = [];
  const inFlight = new Set<Promise<void>>();
  let scheduled = false;

  const runTogether = async (client: PgClient, inputs: I[]): Promise<Outcome<O>[] | null> => {
    await client.query("begin");
    try {
      const values = await options.runBatch(client, inputs);
      const outcomes = values.map((value): Outcome<O> => ({ ok: true, value }));
      await options.beforeCommit?.(client, inputs, outcomes);
      await client.query("commit");
      return outcomes;
    } catch {
      // A rollback that fails means the connection is gone: the batch fails with that error.
      await client.query("rollback");
      return null;
    }
  };

  const runIsolated = async (client: PgClient, inputs: I[]): Promise<Outcome<O>[]> => {
    await client.query("begin");
    try {
      const outcomes: Outcome<O>[] = [];
      for (const input of inputs) {
        await client.query("savepoint item");
        try {
          const value = await options.runOne(client, input);
          await client.query("release savepoint item");
          outcomes.push({ ok: true, value });
        } catch (error) {
          // Throws when the connection itself is gone: then no input of the batch is stored.
          await client.query("rollback to savepoint item");
          await client.query("release savepoint item");
          outcomes.push({ ok: false, error });
        }
      }
      await options.beforeCommit?.(client, inputs, outcomes);
      await client.query("commit");
      return outcomes;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
  };

  const flush = async (batch: Pending<I, O>[]) => {
    const inputs = batch.map((item) => item.input);
    let outcomes: Outcome<O>[];
    let client: pg.PoolClient | undefined;
    let broken: Error | undefined;
    try {
      client = await pool.connect();
      outcomes = (await runTogether(client, inputs)) ?? (await runIsolated(client, inputs));
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      for (const item of batch) {
        item.reject(error);
      }
      return;
    } finally {
      client?.release(broken);
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

  // Starts batches while there is room: what arrives while every slot is busy waits, and goes
  // in together when one frees.
  const pump = () => {
    while (pending.length > 0 && inFlight.size < maxInFlight) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(maxBatch);
      const work: Promise<void> = flush(batch).finally(() => {
        inFlight.delete(work);
        pump();
      });
      inFlight.add(work);
    }
  };

  return {
    submit(input: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        pending.push({ input, resolve, reject });
        // A lone call waits one turn of the event loop, so calls made together share a batch.
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            pump();
          });
        }
      });
    },
    async idle() {
      while (inFlight.size > 0 || pending.length > 0 || scheduled) {
        await Promise.all([...inFlight]);
        if (inFlight.size === 0 && (pending.length > 0 || scheduled)) {
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    },
  };
}
