import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { migrateSqlite } from "./migrate-sqlite";
import { migrationsFolder } from "./open-database";
import { createSqliteStore } from "./sqlite-store";

const migrationCount = (
  JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  }
).entries.length;

describe("migrateSqlite", () => {
  it("creates a missing file with every migration, then finds nothing left to apply", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-migrate-")), "nested", "mailroute.db");
    expect(migrationCount).toBeGreaterThan(0);
    expect(migrateSqlite(path)).toEqual({ applied: migrationCount });
    expect(migrateSqlite(path)).toEqual({ applied: 0 });
    // The migrated file is one the store opens and writes.
    const store = createSqliteStore({ path, synchronous: "normal" });
    await store.writeHeartbeat(new Date());
    expect(await store.countPendingJobs()).toBe(0);
    await store.close();
  });
});
