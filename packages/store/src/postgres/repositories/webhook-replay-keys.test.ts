import { describe, expect, it } from "vitest";
import { claim, later } from "../../contract/replay-keys";
import { useRepositoryDatabase } from "./repository-testing";
import { claimWebhookReplayKey } from "./webhook-replay-keys";

// What every store does is the store contract's (postgres.contract.test.ts runs it here); these
// tests are what only PostgreSQL shows: several instances on one database at once.
const database = useRepositoryDatabase(["webhook_replay_keys"]);

const claimKey = (input: ReturnType<typeof claim>) =>
  database.write((client) => claimWebhookReplayKey(client, input));

describe("claimWebhookReplayKey", () => {
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
