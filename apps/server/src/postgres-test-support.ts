import {
  createEmptyPostgresTestDatabase,
  postgresTestServerUrl as postgresServerUrl,
  withDatabase,
} from "@mailroute/store/testing";
import pg from "pg";

export { postgresServerUrl, withDatabase };

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
export function createEmptyDatabase() {
  return createEmptyPostgresTestDatabase("mailroute_test_empty");
}
