import { randomBytes } from "node:crypto";
import pg from "pg";

/** The PostgreSQL server the tests use, as the store's test helpers read it. */
export function postgresServerUrl(): string {
  return process.env.MAILROUTE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

/** `url` naming another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A connection to the test server's own database, for what a test does to a database from
 * outside: refuse its connections, end them, make it read-only. `end()` closes it.
 */
export async function connectAdmin() {
  const client = new pg.Client({ connectionString: postgresServerUrl() });
  client.on("error", () => undefined);
  await client.connect();
  return {
    query: (text: string, values?: unknown[]) => client.query(text, values),
    /** Ends every connection to `database` (the store's pool and its listener) but this one. */
    terminateConnections: (database: string) =>
      client.query(
        // Waits (up to 5 s) for each backend to exit, not just for the signal to be sent.
        "select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [database],
      ),
    end: () => client.end(),
  };
}

/** A fresh database with no tables at all (unlike the store's migrated test databases). */
export async function createEmptyDatabase(): Promise<{
  url: string;
  name: string;
  drop(): Promise<void>;
}> {
  const name = `mailroute_test_${randomBytes(6).toString("hex")}_empty`;
  const admin = await connectAdmin();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(postgresServerUrl(), name),
    name,
    async drop() {
      const dropping = await connectAdmin();
      try {
        await dropping.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropping.end();
      }
    },
  };
}
