import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "./open-database";
import { settings } from "./schema/index";
import { createWriteQueue } from "./write-queue";

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const sqlite of opened.splice(0)) {
    sqlite.close();
  }
});

function setup() {
  const { sqlite, db } = openDatabase({ path: ":memory:" });
  opened.push(sqlite);
  return { sqlite, db, queue: createWriteQueue(db) };
}

const put =
  (key: string) => (db: Parameters<Parameters<ReturnType<typeof createWriteQueue>>[0]>[0]) =>
    db.insert(settings).values({ key, value: key, updatedAt: 0 }).run();

describe("createWriteQueue", () => {
  it("runs writes issued in one turn in one transaction, and resolves after the commit", async () => {
    const { sqlite, queue } = setup();
    const before = sqlite.prepare("select count(*) as n from settings").get() as { n: number };
    const results = await Promise.all([queue(put("a")), queue(put("b")), queue(put("c"))]);
    expect(results.map((result) => result.changes)).toEqual([1, 1, 1]);
    const after = sqlite.prepare("select count(*) as n from settings").get() as { n: number };
    expect(after.n - before.n).toBe(3);
    expect(sqlite.inTransaction).toBe(false);
  });

  it("rolls back only the write that failed", async () => {
    const { sqlite, queue } = setup();
    const outcomes = await Promise.allSettled([
      queue(put("kept")),
      queue((db) => {
        put("undone")(db);
        throw new Error("this write fails after writing");
      }),
      queue(put("also-kept")),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    const keys = (
      sqlite.prepare("select key from settings order by key").all() as { key: string }[]
    ).map((row) => row.key);
    expect(keys).toEqual(["also-kept", "kept"]);
  });

  it("rejects every write of a batch whose commit fails, keeping none", async () => {
    const { sqlite, queue } = setup();
    sqlite.close();
    const outcomes = await Promise.allSettled([queue(put("x")), queue(put("y"))]);
    expect(outcomes.every((outcome) => outcome.status === "rejected")).toBe(true);
  });

  it("keeps the order writes were issued in", async () => {
    const { sqlite, queue } = setup();
    await Promise.all([
      queue(put("first")),
      queue((db) => db.update(settings).set({ value: "changed" }).run()),
    ]);
    expect(sqlite.prepare("select value from settings where key = 'first'").get()).toEqual({
      value: "changed",
    });
  });

  it("answers a batch only after its sync, and every write of it fails when the sync fails", async () => {
    const { db } = setup();
    let release: () => void = () => {};
    const syncs: string[] = [];
    const queue = createWriteQueue(db, {
      sync: () => {
        syncs.push("started");
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    let answered = false;
    const pending = queue(put("durable")).then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(syncs).toEqual(["started"]);
    expect(answered).toBe(false);
    release();
    await pending;
    expect(answered).toBe(true);

    const failing = createWriteQueue(db, {
      sync: () => Promise.reject(new Error("disk gone")),
    });
    const outcomes = await Promise.allSettled([failing(put("p")), failing(put("q"))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
  });
});

describe("createWriteQueue durability", () => {
  it("answers a durable: false write after the commit, and a durable one only after the sync", async () => {
    const { db } = setup();
    let release: () => void = () => {};
    let syncs = 0;
    const queue = createWriteQueue(db, {
      sync: () => {
        syncs += 1;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    const answered: string[] = [];
    const quick = queue(put("claim"), { durable: false }).then(() => answered.push("claim"));
    const slow = queue(put("attempt")).then(() => answered.push("attempt"));
    await quick;
    expect(answered).toEqual(["claim"]);
    expect(syncs).toBe(1);
    release();
    await slow;
    expect(answered).toEqual(["claim", "attempt"]);
    // A batch of non-durable writes alone costs no fsync.
    await queue(put("lease"), { durable: false });
    expect(syncs).toBe(1);
  });
});

describe("createWriteQueue checkpoints", () => {
  it("checkpoints between batches when due, and falls back to SQLite's own when that fails", async () => {
    const { db, sqlite } = setup();
    sqlite.pragma("wal_autocheckpoint = 0");
    let runs = 0;
    let due = false;
    const queue = createWriteQueue(db, {
      sync: () => Promise.resolve(),
      checkpoint: {
        due: () => due,
        run: () => {
          runs += 1;
          return runs === 1 ? Promise.resolve() : Promise.reject(new Error("worker gone"));
        },
      },
    });
    await queue(put("a"));
    expect(runs).toBe(0);
    due = true;
    await queue(put("b"));
    await queue(put("c"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toBe(2);
    expect(sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    // The failed checkpointer is not asked again.
    await queue(put("d"));
    expect(runs).toBe(2);
  });
});

describe("startCheckpointer", () => {
  it("copies the WAL into the database file from its own thread, and reports the WAL's length", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { startCheckpointer } = await import("./checkpointer");
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-checkpoint-")), "db.sqlite");
    const { sqlite } = openDatabase({ path });
    opened.push(sqlite);
    sqlite.pragma("wal_autocheckpoint = 0");
    const insert = sqlite.prepare("insert into settings (key, value, updated_at) values (?, ?, 0)");
    for (let index = 0; index < 200; index += 1) {
      insert.run(`key-${index}`, "x".repeat(2000));
    }
    const checkpointer = startCheckpointer(path, 10);
    // Its background checkpoints report the WAL as it is: the 200 commits above.
    await vi.waitFor(() => expect(checkpointer.frames()).toBeGreaterThan(100), { timeout: 10_000 });
    await checkpointer.run();
    // Everything was copied, so the next commit starts the WAL over.
    insert.run("after", "y");
    await vi.waitFor(() => expect(checkpointer.frames()).toBeLessThan(10), { timeout: 10_000 });
    // Commands asked together are each answered.
    await Promise.all([checkpointer.run(), checkpointer.run()]);
    await checkpointer.close();
  });
});

describe("createCoalescedSync", () => {
  it("runs one fsync at a time and lets callers that arrive meanwhile share the next", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { createCoalescedSync } = await import("./open-database");
    const file = join(mkdtempSync(join(tmpdir(), "mailroute-sync-")), "file");
    writeFileSync(file, "x");
    const sync = createCoalescedSync(file);
    const first = sync();
    const second = sync();
    const third = sync();
    expect(second).toBe(third);
    expect(second).not.toBe(first);
    await Promise.all([first, second, third]);
    await expect(createCoalescedSync(join(file, "missing"))()).rejects.toThrow();
  });
});
