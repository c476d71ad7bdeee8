import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { redactUrl } from "./pool";

/** Where the committed drizzle-kit migrations for PostgreSQL live (found through the package). */
export const postgresMigrationsFolder = join(
  dirname(createRequire(import.meta.url).resolve("@mailroute/store/package.json")),
  "migrations-postgres",
);

/**
 * The advisory lock every instance takes to migrate: an arbitrary constant ("mailrout" in ASCII),
 * the same for every version of mailroute, so instances starting together migrate one at a time
 * and each after the first finds nothing left to do.
 */
export const MIGRATION_LOCK_KEY = 0x6d61696c726f7574n;

/**
 * Applies the pending migrations to the database at `url`, holding the migration advisory lock
 * for the whole run, so several instances starting at once migrate the database once. Returns
 * how many migrations this call applied (0 when the database was up to date).
 */
export async function migratePostgres(url: string): Promise<{ applied: number }> {
  const client = new pg.Client({ connectionString: url, application_name: "mailroute migrate" });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)} to migrate`, {
      cause: error,
    });
  }
  client.on("error", () => undefined);
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    try {
      const before = await countApplied(client);
      await migrate(drizzle({ client }), { migrationsFolder: postgresMigrationsFolder });
      return { applied: (await countApplied(client)) - before };
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]);
    }
  } finally {
    await client.end();
  }
}

async function countApplied(client: pg.Client): Promise<number> {
  const exists = await client.query<{ table: string | null }>(
    `select to_regclass('drizzle.__drizzle_migrations')::text as "table"`,
  );
  if (!exists.rows[0]?.table) {
    return 0;
  }
  const result = await client.query<{ count: string }>(
    "select count(*) as count from drizzle.__drizzle_migrations",
  );
  return Number(result.rows[0]?.count ?? 0);
}
