import { describe, expect, it } from "vitest";
import { useRepositoryDatabase } from "./repository-testing";
import { claimWebhookReplayKey } from "./webhook-replay-keys";

const database = useRepositoryDatabase(["webhook_replay_keys"]);

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

const claimKey = (input: ReturnType<typeof claim>) =>
  database.write((client) => claimWebhookReplayKey(client, input));

describe("claimWebhookReplayKey", () => {
  it("grants a new key, grants it again with the same body, and refuses it with another", async () => {
    expect(await claimKey(claim())).toBe(true);
    expect(await claimKey(claim())).toBe(true);
    expect(await claimKey(claim({ bodyDigest: "digest-b" }))).toBe(false);
    // The refusal left the first claim as it was.
    expect(await claimKey(claim())).toBe(true);
    expect(await claimKey(claim({ bodyDigest: "digest-b" }))).toBe(false);
  });

  it("refuses any second use of a key claimed without a body digest", async () => {
    expect(await claimKey(claim({ bodyDigest: null }))).toBe(true);
    expect(await claimKey(claim({ bodyDigest: null }))).toBe(false);
    expect(await claimKey(claim({ bodyDigest: "digest-a" }))).toBe(false);
  });

  it("keeps each provider's keys apart", async () => {
    expect(await claimKey(claim({ provider: "mailgun-eu" }))).toBe(true);
    expect(await claimKey(claim({ provider: "mailgun-us", bodyDigest: "digest-b" }))).toBe(true);
  });

  it("grants a key again, with any body, once its claim has expired", async () => {
    await claimKey(claim({ bodyDigest: null }));
    const atExpiry = { ...claim({ bodyDigest: "digest-b" }), now: later(300) };
    expect(await claimKey({ ...atExpiry, now: later(299) })).toBe(false);
    expect(await claimKey({ ...atExpiry, expiresAt: later(600) })).toBe(true);
    // The new claim holds until its own expiry.
    expect(await claimKey({ ...claim({ bodyDigest: "digest-c" }), now: later(400) })).toBe(false);
  });

  it("lets only one of two instances claiming a key at once through with different bodies", async () => {
    const one = await database.begin();
    const two = await database.begin();
    expect(await claimWebhookReplayKey(one.client, claim({ bodyDigest: "digest-a" }))).toBe(true);
    const second = claimWebhookReplayKey(two.client, claim({ bodyDigest: "digest-b" }));
    // The second waits for the first claim's outcome instead of deciding without it.
    await database.waitUntilBlocked(two.pid);
    await one.commit();
    expect(await second).toBe(false);
    await two.commit();
  });

  it("grants the key to the waiting instance when the first claim rolls back", async () => {
    const one = await database.begin();
    const two = await database.begin();
    expect(await claimWebhookReplayKey(one.client, claim({ bodyDigest: "digest-a" }))).toBe(true);
    const second = claimWebhookReplayKey(two.client, claim({ bodyDigest: "digest-b" }));
    await database.waitUntilBlocked(two.pid);
    await one.rollback();
    expect(await second).toBe(true);
    await two.commit();
    expect(await claimKey(claim({ bodyDigest: "digest-a" }))).toBe(false);
  });

  it("lets exactly one of many concurrent claims with different bodies through", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => claimKey(claim({ bodyDigest: `digest-${index}` }))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("prunes expired claims as new ones arrive, a few at a time", async () => {
    for (let index = 0; index < 20; index += 1) {
      await claimKey({
        ...claim({ key: `old-${index}` }),
        expiresAt: later(-600),
        now: later(-900),
      });
    }
    await claimKey(claim({ key: "live" }));
    const keys = await database.pool.query<{ key: string }>("select key from webhook_replay_keys");
    // All 20 had expired (their window ended 600 s before now): 8 went with the new claim.
    expect(keys.rows).toHaveLength(13);
    expect(keys.rows.map((row) => row.key)).toContain("live");
  });
});
