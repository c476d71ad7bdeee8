import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { claim, later } from "./contract/replay-keys";
import { createSqliteStore } from "./sqlite-store";
import { closeStoresAfterEach } from "./testing";

const track = closeStoresAfterEach();

describe("claimWebhookReplayKey on a SQLite file", () => {
  it("remembers a claim after the database is closed and opened again", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-replay-")), "mailroute.db");
    const first = createSqliteStore({ path });
    expect(await first.claimWebhookReplayKey(claim())).toBe(true);
    await first.close();
    const second = track(createSqliteStore({ path }));
    expect(await second.claimWebhookReplayKey(claim({ bodyDigest: "digest-b" }))).toBe(false);
    expect(await second.claimWebhookReplayKey(claim())).toBe(true);
  });

  it("lets exactly one of two stores on one database claim a key with different bodies", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-replay-")), "mailroute.db");
    const one = track(createSqliteStore({ path }));
    const two = track(createSqliteStore({ path }));
    const results = await Promise.all([
      one.claimWebhookReplayKey(claim({ bodyDigest: "digest-a" })),
      two.claimWebhookReplayKey(claim({ bodyDigest: "digest-b" })),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("prunes expired claims as new ones arrive, a few at a time", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-replay-")), "mailroute.db");
    const store = track(createSqliteStore({ path }));
    for (let index = 0; index < 20; index += 1) {
      await store.claimWebhookReplayKey({
        ...claim({ key: `old-${index}` }),
        expiresAt: later(-600),
        now: later(-900),
      });
    }
    await store.claimWebhookReplayKey(claim({ key: "live" }));
    const raw = new Database(path, { readonly: true });
    const keys = raw.prepare("select key from webhook_replay_keys").all() as { key: string }[];
    raw.close();
    // All 20 had expired (their window ended 600 s before now): 8 went with the new claim.
    expect(keys).toHaveLength(13);
    expect(keys.map((row) => row.key)).toContain("live");
  });
});
