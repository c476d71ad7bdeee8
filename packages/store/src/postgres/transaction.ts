import type pg from "pg";
import type { PgClient } from "./pg-client";

/** Deadlock detected, serialization failure: the transaction may simply be run again. */
const retryableCodes = new Set(["40P01", "40001"]);

/** How many times a transaction PostgreSQL aborted as a deadlock victim is run, in all. */
const maxRuns = 4;

/**
 * Runs `work` in one transaction on one pooled connection: committed when it returns, rolled back
 * when it throws. The promise settles only after COMMIT returned, so with `synchronous_commit =
 * on` (see pool.ts) what it wrote is durable by then. A transaction PostgreSQL chose as a
 * deadlock victim is run again (repositories only touch the database, so that is safe).
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: PgClient) => Promise<T>,
): Promise<T> {
  for (let run = 1; ; run += 1) {
    try {
      return await transactionOnce(pool, work);
    } catch (error) {
      if (run >= maxRuns || !retryableCodes.has((error as { code?: string }).code ?? "")) {
        throw error;
      }
    }
  }
}

async function transactionOnce<T>(
  pool: pg.Pool,
  work: (client: PgClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("begin");
    try {
      const value = await work(client);
      await client.query("commit");
      return value;
    } catch (error) {
      await client.query("rollback").catch((rollbackError: Error) => {
        // The connection is unusable (the server went away): the pool must not reuse it.
        broken = rollbackError;
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

/** Runs `work` on a pooled connection outside any explicit transaction (reads). */
export async function withClient<T>(
  pool: pg.Pool,
  work: (client: PgClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}
