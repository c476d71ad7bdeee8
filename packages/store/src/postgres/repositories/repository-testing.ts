import type pg from "pg";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { PgClient } from "../pg-client";
import { createPool } from "../pool";
import { createTestDatabase, type TestDatabase } from "../test-database";
import { inTransaction, withClient } from "../transaction";

/** A transaction left open until the test commits or rolls it back: one instance mid-write. */
export interface OpenTransaction {
  client: PgClient;
  /** The backend's process id, to see in `pg_stat_activity` what it waits for. */
  pid: number;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** A fresh migrated database for one test file, emptied of `tables` before each test. */
export interface RepositoryTestDatabase {
  readonly pool: pg.Pool;
  /** Runs `work` in one committed transaction, as the store runs a write. */
  write<T>(work: (client: PgClient) => Promise<T>): Promise<T>;
  /** Runs `work` on a pooled connection outside a transaction, as the store runs a read. */
  read<T>(work: (client: PgClient) => Promise<T>): Promise<T>;
  begin(): Promise<OpenTransaction>;
  /** Resolves once the backend `pid` waits for a lock another transaction holds. */
  waitUntilBlocked(pid: number): Promise<void>;
}

/**
 * For a test file's top level: creates the database before the file's tests (copied from the
 * migrated template, so it has the real schema), empties `tables` before each test, and drops it
 * after the last one.
 */
export function useRepositoryDatabase(tables: string[]): RepositoryTestDatabase {
  let database: TestDatabase | undefined;
  let pool: pg.Pool | undefined;
  const open = new Set<pg.PoolClient>();
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createPool({ url: database.url, size: 8 });
  });
  beforeEach(async () => {
    await current().query(`truncate table ${tables.join(", ")}`);
  });
  afterAll(async () => {
    for (const client of open) {
      client.release(true);
    }
    await pool?.end();
    await database?.drop();
  });
  const current = () => {
    if (!pool) {
      throw new Error("the test database is not open yet");
    }
    return pool;
  };
  return {
    get pool() {
      return current();
    },
    write: (work) => inTransaction(current(), work),
    read: (work) => withClient(current(), work),
    async begin() {
      const client = await current().connect();
      open.add(client);
      const pid = (await client.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]
        ?.pid;
      await client.query("begin");
      const end = async (statement: string) => {
        try {
          await client.query(statement);
        } finally {
          open.delete(client);
          client.release();
        }
      };
      return {
        client,
        pid: pid ?? 0,
        commit: () => end("commit"),
        rollback: () => end("rollback"),
      };
    },
    async waitUntilBlocked(pid) {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const result = await current().query<{ wait: string | null }>(
          "select wait_event_type as wait from pg_stat_activity where pid = $1",
          [pid],
        );
        if (result.rows[0]?.wait === "Lock") {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`backend ${pid} did not wait for a lock within 10 s`);
    },
  };
}
