import { closeStoresAfterEach } from "@mailroute/store/testing";
import { describe, expect, it } from "vitest";
import { createApiKey, createKeyVerifier, hashApiKey } from "./api-keys";

const track = closeStoresAfterEach();

describe("API keys", () => {
  it("stores only a hash and a visible prefix, and verifies the key", async () => {
    const store = track();
    const { key, record } = await createApiKey(store, "billing");
    expect(key).toMatch(/^mr_[A-Za-z0-9]{40}$/);
    expect(record.prefix).toBe(key.slice(0, 11));
    expect(record.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(record)).not.toContain(key);
    const verify = createKeyVerifier(store, undefined);
    expect(await verify(key)).toMatchObject({ keyId: record.id, name: "billing" });
    expect(await verify(`${key}x`)).toBeNull();
  });

  it("accepts the admin key from the environment", async () => {
    const store = track();
    const verify = createKeyVerifier(store, "admin-key-0123456789");
    expect(await verify("admin-key-0123456789")).toMatchObject({ keyId: "admin" });
    expect(await verify("admin-key-012345678")).toBeNull();
  });

  it("answers a known key from memory within the cache time", async () => {
    const store = track();
    const { key } = await createApiKey(store, "cached");
    let lookups = 0;
    const counting = {
      ...store,
      findApiKeyByHash: (hash: string) => {
        lookups += 1;
        return store.findApiKeyByHash(hash);
      },
    };
    const verify = createKeyVerifier(counting, undefined);
    await verify(key);
    await verify(key);
    await verify("mr_unknown");
    await verify("mr_unknown");
    expect(lookups).toBe(3);
  });
});
