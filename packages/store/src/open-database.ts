import { mkdirSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema/index";

/** The Drizzle handle every repository receives. */
export type SqliteDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Where the committed drizzle-kit migrations live: found through the package, so the server's
 * compiled bundle (apps/server/dist) finds them as well as the sources do.
 */
export const migrationsFolder = join(
  dirname(createRequire(import.meta.url).resolve("@mailroute/store/package.json")),
  "migrations",
);

/** Settings for the embedded database. */
export interface SqliteOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /**
   * `full` (the default): every write is fsynced before its caller is answered, so an
   * acknowledged message survives power loss; `normal` survives a process crash only.
   */
  synchronous?: "full" | "normal";
}

/** Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations. */
export function openDatabase(options: SqliteOptions): {
  sqlite: Database.Database;
  db: SqliteDatabase;
  /** Makes committed writes durable; present for a file opened with `full`. */
  sync?: (() => Promise<void>) & { close(): Promise<void> };
} {
  if (options.path !== ":memory:") {
    mkdirSync(dirname(options.path), { recursive: true });
  }
  const sqlite = new Database(options.path);
  sqlite.pragma("journal_mode = WAL");
  // SQLite itself never fsyncs on commit (NORMAL keeps the WAL consistent across a crash). For
  // `full`, the write queue fsyncs the WAL after each batch, off the event loop, before any
  // caller is answered: the guarantee of synchronous=FULL without stalling every request behind
  // the disk. Checkpoints still sync as SQLite does.
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder });
  const durable = options.synchronous !== "normal" && options.path !== ":memory:";
  return durable
    ? { sqlite, db, sync: createCoalescedSync(`${options.path}-wal`) }
    : { sqlite, db };
}

/**
 * fsyncs a file through libuv's thread pool, so the event loop keeps running meanwhile. At most
 * one fsync runs at a time: callers arriving while one runs share the next one, which starts
 * after theirs committed, so a burst of batches costs two fsyncs, not one each.
 */
export function createCoalescedSync(
  path: string,
): (() => Promise<void>) & { close(): Promise<void> } {
  let handle: Promise<FileHandle> | null = null;
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const fsyncOnce = async () => {
    // SQLite keeps the WAL file (same inode) while the database is open, so one handle serves.
    handle ??= open(path, "r");
    await (await handle).sync();
  };
  const sync = (): Promise<void> => {
    if (!running) {
      running = fsyncOnce().finally(() => {
        running = null;
      });
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return sync();
      });
    return queued;
  };
  return Object.assign(sync, {
    async close() {
      await running?.catch(() => undefined);
      const opened = handle;
      handle = null;
      await (await opened?.catch(() => null))?.close();
    },
  });
}
