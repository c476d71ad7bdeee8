import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createSqliteStore } from "./sqlite-store";
import { closeStoresAfterEach, makeDatabaseUnwritable } from "./testing";

const track = closeStoresAfterEach();

function databasePath(): string {
  return join(mkdtempSync(join(tmpdir(), "mailroute-heartbeat-")), "mailroute.db");
}

describe("writeHeartbeat", () => {
  it("writes one settings row, updated in place", async () => {
    const path = databasePath();
    const store = createSqliteStore({ path });
    track(store);
    await store.writeHeartbeat(new Date(1_000));
    await store.writeHeartbeat(new Date(2_000));
    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare("select updated_at as at from settings where key = 'heartbeat'").all();
    raw.close();
    expect(rows).toEqual([{ at: 2_000 }]);
  });

  it("rejects on a database SQLite opens read-only, where reads still answer", async () => {
    const path = databasePath();
    await createSqliteStore({ path }).close();
    makeDatabaseUnwritable(path);
    const store = createSqliteStore({ path });
    track(store);
    expect(await store.countPendingJobs()).toBe(0);
    await expect(store.writeHeartbeat(new Date())).rejects.toMatchObject({
      code: "SQLITE_READONLY",
    });
  });
});
