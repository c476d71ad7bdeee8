import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** The PostgreSQL server tests use: MAILROUTE_TEST_POSTGRES_URL, or the local default. */
export function postgresServerUrl(): string {
  return process.env.MAILROUTE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

/** A database created for one test file, dropped by `drop`. */
export interface TestDatabase {
  /** Its connection URL (the server's URL with the database name replaced). */
  url: string;
  name: string;
  /** Runs one statement on it, on a short-lived connection. */
  query<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** Drops it, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresServerUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates a fresh, empty database `mailroute_test_<random>` on the test server. */
export async function createTestDatabase(prefix = "mailroute_test"): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await onServer((client) => client.query(`create database ${name}`));
  const url = new URL(postgresServerUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async query(text, values) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    async drop() {
      await onServer((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/**
 * A folder with `config` (plus `database: databaseUrl`) written as `mailroute.config.json`, and
 * the environment that starts a server on it with `apiKey` as its admin key. Every instance
 * started with a configuration naming the same URL shares the one database.
 */
export function postgresServerEnvironment(options: {
  prefix: string;
  config: Record<string, unknown>;
  databaseUrl: string;
  apiKey: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  const folder = mkdtempSync(join(tmpdir(), `mailroute-${options.prefix}-`));
  const configPath = join(folder, "mailroute.config.json");
  writeFileSync(configPath, JSON.stringify({ ...options.config, database: options.databaseUrl }));
  return {
    MAILROUTE_CONFIG: configPath,
    MAILROUTE_API_KEY: options.apiKey,
    // The same URL by the environment too, so one inherited from the shell cannot win over it.
    DATABASE_URL: options.databaseUrl,
    ...options.extra,
  };
}
