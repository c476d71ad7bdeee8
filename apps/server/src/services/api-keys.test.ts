import { closeStoresAfterEach } from "@mailroute/store/testing";
import { describe, expect, it } from "vitest";
import { createApiKey, createApiKeysService, createKeyVerifier, hashApiKey } from "./api-keys";

const track = closeStoresAfterEach();

/** The store, counting how often a key is looked up in it. */
function countingLookups(store: ReturnType<typeof track>) {
  const counting = {
    ...store,
    lookups: 0,
    findApiKeyByHash: (hash: string) => {
      counting.lookups += 1;
      return store.findApiKeyByHash(hash);
    },
  };
  return counting;
}

describe("API keys", () => {
  it("stores only a hash and a visible prefix, and verifies the key", async () => {
    const store = track();
    const { key, record } = await createApiKey(store, "billing");
    expect(key).toMatch(/^mr_[A-Za-z0-9]{40}$/);
    expect(record.prefix).toBe(key.slice(0, 11));
    expect(record.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(record)).not.toContain(key);
    const { verify } = createKeyVerifier(store, undefined);
    expect(await verify(key)).toMatchObject({ keyId: record.id, name: "billing" });
    expect(await verify(`${key}x`)).toBeNull();
    expect(await verify(key)).toMatchObject({ scopes: ["admin"] });
  });

  it("accepts the admin key from the environment", async () => {
    const store = track();
    const { verify } = createKeyVerifier(store, "admin-key-0123456789");
    expect(await verify("admin-key-0123456789")).toMatchObject({ keyId: "admin" });
    expect(await verify("admin-key-012345678")).toBeNull();
  });

  it("answers a known key from memory within the cache time", async () => {
    const store = track();
    const { key } = await createApiKey(store, "cached");
    const counting = countingLookups(store);
    const { verify } = createKeyVerifier(counting, undefined);
    await verify(key);
    await verify(key);
    await verify("mr_unknown");
    await verify("mr_unknown");
    expect(counting.lookups).toBe(3);
  });

  it("writes a key's last use at most once a minute, without waiting for it", async () => {
    const store = track();
    const { key, record } = await createApiKey(store, "touched", ["send"]);
    const touches: number[] = [];
    const writes: Promise<void>[] = [];
    const counting = {
      ...store,
      touchApiKeys: (uses: { id: string; at: Date }[]) => {
        touches.push(...uses.map((use) => use.at.getTime()));
        const write = store.touchApiKeys(uses);
        writes.push(write);
        return write;
      },
    };
    let now = 1_000_000;
    const { verify } = createKeyVerifier(counting, undefined, 60_000, () => now);
    await verify(key);
    now += 59_999;
    await verify(key);
    now += 1;
    await verify(key);
    expect(touches).toEqual([1_000_000, 1_060_000]);
    await Promise.all(writes);
    expect((await store.findApiKeyByHash(record.hash))?.lastUsedAt).toEqual(new Date(1_060_000));
  });

  it("refuses a revoked key at once although the cache held it", async () => {
    const store = track();
    const keys = createApiKeysService({ store });
    const created = await keys.create({ name: "gone", scopes: ["read"] });
    const counting = countingLookups(store);
    const service = createApiKeysService({ store: counting });
    expect(await service.verify(created.key)).toMatchObject({ keyId: created.id });
    expect(await service.verify(created.key)).toMatchObject({ keyId: created.id });
    expect(counting.lookups).toBe(1);
    await service.revoke(created.id);
    expect(await service.verify(created.key)).toBeNull();
    await expect(service.revoke(created.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("shows the key once and lists keys without their secret or hash", async () => {
    const store = track();
    const keys = createApiKeysService({ store });
    const created = await keys.create({ name: "billing", scopes: ["send", "send", "read"] });
    expect(created).toMatchObject({ name: "billing", scopes: ["send", "read"], lastUsedAt: null });
    expect(created.key).toMatch(/^mr_/);
    const listed = await keys.list({ limit: 10 });
    expect(listed.data).toEqual([
      {
        id: created.id,
        name: "billing",
        prefix: created.prefix,
        scopes: ["send", "read"],
        createdAt: created.createdAt,
        lastUsedAt: null,
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(JSON.stringify(listed)).not.toContain(hashApiKey(created.key));
  });
});
