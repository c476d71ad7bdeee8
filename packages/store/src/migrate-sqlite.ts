import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { openDatabase } from "./open-database";

/**
 * Applies the pending migrations to the SQLite file at `path` (creating it and its folder when
 * missing), as the server does when it opens the file, and says how many this call applied.
 */
export function migrateSqlite(path: string): { applied: number } {
  const before = existsSync(path) ? countApplied(new Database(path, { readonly: true })) : 0;
  const { sqlite } = openDatabase({ path, synchronous: "normal" });
  // Closing the last connection checkpoints the WAL into the file and syncs it.
  return { applied: countApplied(sqlite) - before };
}

/** How many migrations drizzle recorded in the database; closes it. */
function countApplied(sqlite: Database.Database): number {
  try {
    const table = sqlite
      .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
      .get();
    if (!table) {
      return 0;
    }
    const row = sqlite.prepare("select count(*) as count from __drizzle_migrations").get() as {
      count: number;
    };
    return row.count;
  } finally {
    sqlite.close();
  }
}
