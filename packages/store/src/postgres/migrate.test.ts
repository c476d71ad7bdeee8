import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { migratePostgres, postgresMigrationsFolder } from "./migrate";
import { createPool } from "./pool";
import { createTestDatabase, testServerUrl, withDatabase } from "./test-database";

const migrationCount = readdirSync(postgresMigrationsFolder).filter((file) =>
  file.endsWith(".sql"),
).length;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function emptyDatabase(): Promise<string> {
  const name = `mailroute_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: testServerUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: testServerUrl() });
    await client.connect();
    await client.query(`drop database if exists ${name} with (force)`);
    await client.end();
  });
  return withDatabase(testServerUrl(), name);
}

describe("migratePostgres", () => {
  it("migrates an empty database once when several instances start together", async () => {
    const url = await emptyDatabase();
    const results = await Promise.all(Array.from({ length: 6 }, () => migratePostgres(url)));
    const applied = results.map((result) => result.applied).sort((a, b) => b - a);
    // One call applied every migration; the others waited for the lock and found nothing to do.
    expect(applied).toEqual([migrationCount, 0, 0, 0, 0, 0]);
    const pool = createPool({ url, size: 1 });
    cleanups.push(() => pool.end());
    const tables = await pool.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
    );
    expect(tables.rows.map((row) => row.name)).toContain("delivery_events");
    expect(tables.rows.map((row) => row.name)).toContain("messages");
    expect(await migratePostgres(url)).toEqual({ applied: 0 });
  });

  it("names the server without its password when it cannot connect", async () => {
    await expect(
      migratePostgres("postgres://someone:s3cret@127.0.0.1:1/mailroute"),
    ).rejects.toThrow(/cannot connect to PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1/);
  });
});

describe("createPool", () => {
  it("commits durably and reads bigint columns as numbers", async () => {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const pool = createPool({ url: database.url, size: 2 });
    cleanups.push(() => pool.end());
    const setting = await pool.query<{ value: string }>(
      "select current_setting('synchronous_commit') as value",
    );
    expect(setting.rows[0]?.value).toBe("on");
    const count = await pool.query<{ n: unknown }>("select count(*) as n from messages");
    expect(count.rows[0]?.n).toBe(0);
  });
});

describe("createTestDatabase", () => {
  it("gives each caller a fresh migrated database and drops it", async () => {
    const [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    if (!first || !second) {
      throw new Error("no database");
    }
    expect(first.name).not.toBe(second.name);
    const pool = createPool({ url: first.url, size: 1 });
    await pool.query("insert into settings (key, value, updated_at) values ('k', 'v', 1)");
    await pool.end();
    const other = createPool({ url: second.url, size: 1 });
    expect((await other.query("select * from settings")).rowCount).toBe(0);
    await other.end();
    await Promise.all([first.drop(), second.drop()]);
    const admin = createPool({ url: testServerUrl(), size: 1 });
    const left = await admin.query("select 1 from pg_database where datname = any($1)", [
      [first.name, second.name],
    ]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });
});
