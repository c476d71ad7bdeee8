import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { migratePostgres, postgresMigrationsFolder } from "./migrate";

/** The server the tests create their databases on. */
export function testServerUrl(): string {
  return process.env.MAILROUTE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The name of the migrated template database for the migrations in this checkout: a digest of
 * their files, so a changed migration gets a template of its own and unchanged ones are migrated
 * once per server, not once per test.
 */
function templateName(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(postgresMigrationsFolder).sort()) {
    if (file.endsWith(".sql")) {
      hash.update(file).update(readFileSync(join(postgresMigrationsFolder, file)));
    }
  }
  return `mailroute_template_${hash.digest("hex").slice(0, 16)}`;
}

/** Any number: the lock test processes take while one of them builds the template. */
const TEMPLATE_LOCK_KEY = 0x6d72746d706cn;
let template: Promise<string> | null = null;

/**
 * Makes sure the migrated template exists: built under another name and renamed once migrated,
 * under an advisory lock, so concurrent test processes never copy a half-migrated template.
 */
function ensureTemplate(): Promise<string> {
  template ??= onServer(async (client) => {
    const name = templateName();
    await client.query("select pg_advisory_lock($1)", [TEMPLATE_LOCK_KEY.toString()]);
    try {
      const found = await client.query("select 1 from pg_database where datname = $1", [name]);
      if (found.rowCount === 0) {
        const building = `${name}_building`;
        await client.query(`drop database if exists ${building} with (force)`);
        await client.query(`create database ${building}`);
        await migratePostgres(withDatabase(testServerUrl(), building));
        await client.query(`alter database ${building} rename to ${name}`);
      }
      return name;
    } finally {
      await client.query("select pg_advisory_unlock($1)", [TEMPLATE_LOCK_KEY.toString()]);
    }
  }).catch((error: unknown) => {
    template = null;
    throw error;
  });
  return template;
}

/** A fresh database for one test, migrated; `drop()` removes it. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh, migrated database (`mailroute_test_<random>`) on the test server
 * (MAILROUTE_TEST_POSTGRES_URL, or the local server) by copying the migrated template.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const source = await ensureTemplate();
  const name = `mailroute_test_${randomBytes(6).toString("hex")}`;
  await onServer(async (client) => {
    // Copying a template needs it free of connections; a concurrent copy may hold it briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`create database ${name} template ${source}`);
        return;
      } catch (error) {
        if (attempt >= 50 || (error as { code?: string }).code !== "55006") {
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 40));
      }
    }
  });
  return {
    url: withDatabase(testServerUrl(), name),
    name,
    drop: () =>
      onServer((client) => client.query(`drop database if exists ${name} with (force)`)).then(
        () => undefined,
      ),
  };
}

/**
 * Creates a fresh database with no tables at all (`<prefix>_<random>`), for tests of what
 * happens before migration; `drop()` removes it.
 */
export async function createEmptyTestDatabase(prefix = "mailroute_test"): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await onServer((client) => client.query(`create database ${name}`));
  return {
    url: withDatabase(testServerUrl(), name),
    name,
    drop: () =>
      onServer((client) => client.query(`drop database if exists ${name} with (force)`)).then(
        () => undefined,
      ),
  };
}
