import type { ApiKeyRecord } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import {
  countApiKeys,
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKeys,
} from "./api-keys";
import { useRepositoryDatabase } from "./repository-testing";

const database = useRepositoryDatabase(["api_keys"]);

function key(index: number, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: `key_${index}`,
    name: `key ${index}`,
    prefix: `mr_${index}`,
    hash: String(index).repeat(64),
    scopes: ["read"],
    createdAt: new Date(1_000 + index),
    lastUsedAt: null,
    ...overrides,
  };
}

const find = (hash: string) => database.read((client) => findApiKeyByHash(client, hash));

describe("API keys", () => {
  it("finds keys by hash only, with their scopes", async () => {
    await database.write((client) =>
      insertApiKey(client, key(1, { scopes: ["send", "read"], lastUsedAt: new Date(2_000) })),
    );
    expect(await database.read((client) => countApiKeys(client))).toBe(1);
    expect(await find("1".repeat(64))).toEqual(
      key(1, { scopes: ["send", "read"], lastUsedAt: new Date(2_000) }),
    );
    expect(await find("x".repeat(64))).toBeNull();
  });

  it("drops scopes it does not know instead of trusting them", async () => {
    await database.write((client) => insertApiKey(client, key(1)));
    await database.pool.query(`update api_keys set scopes = '["root","send"]'`);
    expect((await find("1".repeat(64)))?.scopes).toEqual(["send"]);
  });

  it("lists active keys newest first, records their last use and revokes them", async () => {
    for (const index of [0, 1, 2]) {
      await database.write((client) => insertApiKey(client, key(index)));
    }
    const first = await database.read((client) => listApiKeys(client, { limit: 2 }));
    expect(first.data.map((entry) => entry.id)).toEqual(["key_2", "key_1"]);
    const second = await database.read((client) =>
      listApiKeys(client, { limit: 2, cursor: first.nextCursor ?? "" }),
    );
    expect(second).toEqual({ data: [expect.objectContaining({ id: "key_0" })], nextCursor: null });
    await database.write((client) =>
      touchApiKeys(client, [
        { id: "key_0", at: new Date(5_000) },
        { id: "key_0", at: new Date(3_000) },
        { id: "key_1", at: new Date(6_000) },
      ]),
    );
    // An older time never moves it back.
    await database.write((client) => touchApiKeys(client, [{ id: "key_0", at: new Date(4_000) }]));
    expect((await find("0".repeat(64)))?.lastUsedAt).toEqual(new Date(5_000));
    expect((await find("1".repeat(64)))?.lastUsedAt).toEqual(new Date(6_000));
    expect(await database.write((client) => revokeApiKey(client, "key_0", new Date()))).toBe(true);
    expect(await database.write((client) => revokeApiKey(client, "key_0", new Date()))).toBe(false);
    expect(await find("0".repeat(64))).toBeNull();
    expect(
      (await database.read((client) => listApiKeys(client, { limit: 10 }))).data.map(
        (entry) => entry.id,
      ),
    ).toEqual(["key_2", "key_1"]);
    // Revoked keys still count: a database that ever had keys is not a fresh one.
    expect(await database.read((client) => countApiKeys(client))).toBe(3);
  });

  it("refuses a key on another connection as soon as its revocation commits", async () => {
    await database.write((client) => insertApiKey(client, key(1)));
    const other = await database.pool.connect();
    try {
      expect(await findApiKeyByHash(other, "1".repeat(64))).not.toBeNull();
      const revoking = await database.begin();
      expect(await revokeApiKey(revoking.client, "key_1", new Date())).toBe(true);
      // Not yet committed: still valid elsewhere.
      expect(await findApiKeyByHash(other, "1".repeat(64))).not.toBeNull();
      await revoking.commit();
      expect(await findApiKeyByHash(other, "1".repeat(64))).toBeNull();
    } finally {
      other.release();
    }
  });

  it("refuses a cursor it did not hand out", async () => {
    await expect(
      database.read((client) => listApiKeys(client, { limit: 2, cursor: "not-a-cursor" })),
    ).rejects.toThrow(/cursor/);
  });
});
