import { afterEach, describe, expect, it, vi } from "vitest";
import { createGroupCommit } from "./group-commit";
import { createPool } from "./pool";
import { createTestDatabase } from "./test-database";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function pool() {
  const database = await createTestDatabase();
  cleanups.push(database.drop);
  const created = createPool({ url: database.url, size: 3 });
  cleanups.push(() => created.end());
  return created;
}

const insert = "insert into settings (key, value, updated_at) values ($1, 'v', 1)";

describe("createGroupCommit", () => {
  it("writes calls made together in one transaction and answers them after its commit", async () => {
    const database = await pool();
    const batches: { size: number; transaction: string }[] = [];
    const group = createGroupCommit<string, string>(database, {
      runBatch: async (client, keys) => {
        const { rows } = await client.query<{ id: string }>("select txid_current()::text as id");
        batches.push({ size: keys.length, transaction: rows[0]?.id ?? "" });
        for (const key of keys) {
          await client.query(insert, [key]);
        }
        return keys;
      },
      runOne: async (client, key) => {
        await client.query(insert, [key]);
        return key;
      },
    });
    const keys = Array.from({ length: 50 }, (_, index) => `k${index}`);
    const answers = await Promise.all(
      keys.map(async (key) => {
        const answer = await group.submit(key);
        // Answered only once committed: another connection sees the row.
        const seen = await database.query("select 1 from settings where key = $1", [key]);
        return { answer, seen: seen.rowCount };
      }),
    );
    expect(answers.map((item) => item.answer)).toEqual(keys);
    expect(answers.every((item) => item.seen === 1)).toBe(true);
    expect(batches).toEqual([{ size: 50, transaction: expect.any(String) }]);
  });

  it("fails a failing call alone, in its savepoint, and commits the others of its batch", async () => {
    const database = await pool();
    await database.query(insert, ["taken"]);
    let batchRuns = 0;
    const write = async (client: import("pg").ClientBase, key: string) => {
      await client.query(insert, [key]);
      return key;
    };
    const group = createGroupCommit<string, string>(database, {
      runBatch: async (client, keys) => {
        batchRuns += 1;
        for (const key of keys) {
          await write(client, key);
        }
        return keys;
      },
      runOne: write,
    });
    const results = await Promise.allSettled(
      ["a", "taken", "b", "c"].map((key) => group.submit(key)),
    );
    expect(results.map((result) => result.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    expect(batchRuns).toBe(1);
    const { rows } = await database.query<{ key: string }>("select key from settings order by key");
    expect(rows.map((row) => row.key)).toEqual(["a", "b", "c", "taken"]);
  });

  it("rejects every call of a batch whose connection fails, storing none", async () => {
    const database = await pool();
    const group = createGroupCommit<string, string>(database, {
      runBatch: async (client, keys) => {
        for (const key of keys) {
          await client.query(insert, [key]);
        }
        // The server ends this session before the commit.
        await client.query("select pg_terminate_backend(pg_backend_pid())").catch(() => undefined);
        return keys;
      },
      runOne: async (_client, key) => key,
    });
    const results = await Promise.allSettled(["x", "y"].map((key) => group.submit(key)));
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect((await database.query("select 1 from settings")).rowCount).toBe(0);
  });
});
