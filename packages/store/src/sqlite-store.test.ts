import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { accept, message } from "./contract/messages";
import { openDatabase } from "./open-database";
import { createSqliteStore } from "./sqlite-store";
import { closeStoresAfterEach } from "./testing";

const track = closeStoresAfterEach();

describe("SQLite store: the file", () => {
  it("runs in WAL mode, fsyncs writes for `full`, and keeps data across reopen", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-")), "nested", "m.db");
    const store = createSqliteStore({ path });
    const value = message();
    await accept(store, value);
    await store.close();
    const raw = new Database(path);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(openDatabase({ path }).sync).toBeTypeOf("function");
    expect(openDatabase({ path, synchronous: "normal" }).sync).toBeUndefined();
    expect(openDatabase({ path: ":memory:" }).sync).toBeUndefined();
    raw.close();
    const reopened = createSqliteStore({ path });
    track(reopened);
    expect((await reopened.getMessage(value.id))?.id).toBe(value.id);
  });
});

describe("SQLite store: two stores on one file", () => {
  it("keep the first value under a key, so two instances on one database agree", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-settings-")), "m.db");
    const first = track(createSqliteStore({ path, synchronous: "normal" }));
    const second = track(createSqliteStore({ path, synchronous: "normal" }));
    const at = new Date("2026-11-22T10:00:00Z");
    expect(await first.keepSetting("unsubscribe_secret", "one", at)).toBe("one");
    expect(await second.keepSetting("unsubscribe_secret", "two", at)).toBe("one");
    expect(await first.keepSetting("unsubscribe_secret", "three", at)).toBe("one");
    expect(await second.keepSetting("other", "two", at)).toBe("two");
    // The routes live in the same table under their own key and are not touched.
    expect(await first.loadRoutes()).toBeNull();
  });
});
