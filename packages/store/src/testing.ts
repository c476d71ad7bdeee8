import { closeSync, openSync, writeSync } from "node:fs";
import type { EmailMessage, MailStore, TemplateStore, WebhookOutboxStore } from "@mailroute/core";
import type { Pool } from "pg";
import { afterEach } from "vitest";
import { createPool } from "./postgres/pool";
import { createPostgresStore, type PostgresStore } from "./postgres/postgres-store";
import { createTestDatabase, type TestDatabase } from "./postgres/test-database";

export {
  createEmptyTestDatabase as createEmptyPostgresTestDatabase,
  testServerUrl as postgresTestServerUrl,
  withDatabase,
} from "./postgres/test-database";

import { createSqliteStore, type SqliteStore } from "./sqlite-store";

/** A store on a fresh in-memory database with the real migrations applied. */
export function createTestStore(): SqliteStore {
  return createSqliteStore({ path: ":memory:" });
}

/**
 * For a test file's top level: returns `track`, which keeps a store (a fresh in-memory one when
 * none is given) to be closed after each test, and returns it.
 */
export function closeStoresAfterEach(): (store?: SqliteStore) => SqliteStore {
  const open: SqliteStore[] = [];
  afterEach(async () => {
    for (const store of open.splice(0)) {
      await store.close();
    }
  });
  return (store = createTestStore()) => {
    open.push(store);
    return store;
  };
}

/** Accepts a message now, due at once, as `POST /v1/messages` would; returns the time used. */
export async function acceptNow(store: MailStore, message: EmailMessage): Promise<Date> {
  const now = new Date();
  await store.acceptMessage({
    message,
    acceptedAt: now,
    runAt: now,
    response: { status: 202, body: {} },
  });
  return now;
}

/**
 * Claims the one due job as `owner` and starts an attempt at `provider`, as a dispatch worker
 * would at `now`; returns the claimed job and the attempt's id.
 */
export async function claimAndStartAttempt(
  store: MailStore,
  input: { owner: string; provider: string; now: Date },
) {
  const [job] = await store.claimJobs({
    owner: input.owner,
    limit: 1,
    leaseMs: 1000,
    now: input.now,
  });
  if (!job) {
    throw new Error("no job was due");
  }
  const attemptId = await store.startAttempt({
    messageId: job.message.id,
    jobId: job.jobId,
    owner: input.owner,
    provider: input.provider,
    startedAt: input.now,
    leaseUntil: new Date(input.now.getTime() + 1000),
  });
  return { job, attemptId };
}

/**
 * Makes the (closed) database file at `path` one SQLite will not write, the way a read-only
 * file would, but for root too: tests run as root, where `chmod 444` stops nothing, and a
 * read-only mount needs privileges CI does not have. Byte 18 of the header is the file
 * format's write version; SQLite opens a file whose write version is above 2 read-only
 * (https://www.sqlite.org/fileformat2.html#file_format_version_numbers), so reads still work
 * and every write fails with SQLITE_READONLY.
 */
export function makeDatabaseUnwritable(path: string): void {
  const file = openSync(path, "r+");
  try {
    writeSync(file, Uint8Array.of(3), 0, 1, 18);
  } finally {
    closeSync(file);
  }
}

/**
 * A fresh, migrated PostgreSQL database on the test server (MAILROUTE_TEST_POSTGRES_URL, else
 * postgres://postgres@127.0.0.1:5432/postgres), copied from a template migrated once per
 * migration set; `drop()` removes it.
 */
export function createPostgresTestDatabase(): Promise<TestDatabase> {
  return createTestDatabase();
}

/**
 * A PostgreSQL store on a fresh, migrated database of its own (see
 * {@link createPostgresTestDatabase}); closing the store drops the database.
 */
export async function createPostgresTestStore(): Promise<PostgresStore> {
  const database = await createTestDatabase();
  let store: PostgresStore;
  try {
    store = await createPostgresStore({ url: database.url, migrate: false, poolSize: 5 });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const close = store.close;
  return Object.assign(store, {
    async close() {
      await close();
      await database.drop();
    },
  });
}

/**
 * The store a test runs on: SQLite in memory, or a fresh PostgreSQL database when
 * MAILROUTE_TEST_STORE is "postgres".
 */
export async function openTestStore(): Promise<MailStore & WebhookOutboxStore & TemplateStore> {
  return process.env.MAILROUTE_TEST_STORE === "postgres"
    ? createPostgresTestStore()
    : createTestStore();
}

/**
 * Pools on one fresh PostgreSQL database, one per instance, for tests of the provider state
 * instances share (`createPostgresCoordination`); `close()` ends them and drops the database.
 */
export async function createSharedStateTestPools(
  instances: number,
): Promise<{ pools: Pool[]; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const pools = Array.from({ length: instances }, (_, index) =>
    createPool({ url: database.url, size: 4, applicationName: `mailroute test ${index}` }),
  );
  return {
    pools,
    async close() {
      await Promise.all(pools.map((pool) => pool.end()));
      await database.drop();
    },
  };
}
