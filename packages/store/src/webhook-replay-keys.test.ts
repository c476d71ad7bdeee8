import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createSqliteStore } from "./sqlite-store";
import { closeStoresAfterEach } from "./testing";

const track = closeStoresAfterEach();

const now = new Date("2026-03-01T12:00:00Z");
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

function claim(overrides: { key?: string; bodyDigest?: string | null; provider?: string } = {}) {
  return {
    provider: overrides.provider ?? "mailgun",
    key: overrides.key ?? "token-1",
    bodyDigest: overrides.bodyDigest === undefined ? "digest-a" : overrides.bodyDigest,
    expiresAt: later(300),
    now,
  };
}

describe("claimWebhookReplayKey", () => {
  it("grants a new key, grants it again with the same body, and refuses it with another", async () => {
    const store = track();
    expect(await store.claimWebhookReplayKey(claim())).toBe(true);
    expect(await store.claimWebhookReplayKey(claim())).toBe(true);
    expect(await store.claimWebhookReplayKey(claim({ bodyDigest: "digest-b" }))).toBe(false);
    // The refusal left the first claim as it was.
    expect(await store.claimWebhookReplayKey(claim())).toBe(true);
    expect(await store.claimWebhookReplayKey(claim({ bodyDigest: "digest-b" }))).toBe(false);
  });

  it("refuses any second use of a key claimed without a body digest", async () => {
    const store = track();
    expect(await store.claimWebhookReplayKey(claim({ bodyDigest: null }))).toBe(true);
    expect(await store.claimWebhookReplayKey(claim({ bodyDigest: null }))).toBe(false);
    expect(await store.claimWebhookReplayKey(claim({ bodyDigest: "digest-a" }))).toBe(false);
  });

  it("keeps each provider's keys apart", async () => {
    const store = track();
    expect(await store.claimWebhookReplayKey(claim({ provider: "mailgun-eu" }))).toBe(true);
    expect(
      await store.claimWebhookReplayKey(claim({ provider: "mailgun-us", bodyDigest: "digest-b" })),
    ).toBe(true);
  });

  it("grants a key again, with any body, once its claim has expired", async () => {
    const store = track();
    await store.claimWebhookReplayKey(claim({ bodyDigest: null }));
    const atExpiry = { ...claim({ bodyDigest: "digest-b" }), now: later(300) };
    expect(await store.claimWebhookReplayKey({ ...atExpiry, now: later(299) })).toBe(false);
    expect(await store.claimWebhookReplayKey({ ...atExpiry, expiresAt: later(600) })).toBe(true);
    // The new claim holds until its own expiry.
    expect(
      await store.claimWebhookReplayKey({ ...claim({ bodyDigest: "digest-c" }), now: later(400) }),
    ).toBe(false);
  });

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
