import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema/index";

/** The Drizzle handle every repository receives. */
export type SqliteDatabase = BetterSQLite3Database<typeof schema>;

/** Where the committed drizzle-kit migrations live. */
export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/** Settings for the embedded database. */
export interface SqliteOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /**
   * `full` fsyncs every commit so an acknowledged message survives power loss (the default);
   * `normal` survives a process crash only, and is faster.
   */
  synchronous?: "full" | "normal";
}

/** Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations. */
export function openDatabase(options: SqliteOptions): {
  sqlite: Database.Database;
  db: SqliteDatabase;
} {
  if (options.path !== ":memory:") {
    mkdirSync(dirname(options.path), { recursive: true });
  }
  const sqlite = new Database(options.path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder });
  return { sqlite, db };
}
