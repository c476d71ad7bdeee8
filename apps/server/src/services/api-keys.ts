import { randomBytes, hash as sha, timingSafeEqual } from "node:crypto";
import {
  type ApiKeyRecord,
  type ApiKeyScope,
  MailrouteError,
  type MailStore,
  newId,
  type Page,
} from "@mailroute/core";

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** SHA-256 of a key, hex: what the store keeps. */
export function hashApiKey(key: string): string {
  // The one-shot form: every request hashes its key, and a Hash object costs more than the hash.
  return sha("sha256", key);
}

/** Creates and stores a new API key; the key itself is returned once and never stored. */
export async function createApiKey(
  store: Pick<MailStore, "insertApiKey">,
  name: string,
  scopes: readonly ApiKeyScope[] = ["admin"],
): Promise<{ key: string; record: ApiKeyRecord }> {
  const bytes = randomBytes(40);
  let secret = "";
  for (const byte of bytes) {
    secret += keyAlphabet[byte % keyAlphabet.length];
  }
  const key = `mr_${secret}`;
  const record: ApiKeyRecord = {
    id: newId("key"),
    name,
    prefix: key.slice(0, 11),
    hash: hashApiKey(key),
    scopes: [...new Set(scopes)],
    createdAt: new Date(),
    lastUsedAt: null,
  };
  await store.insertApiKey(record);
  return { key, record };
}

/** Who a request is authenticated as. */
export interface Principal {
  keyId: string;
  name: string;
  prefix: string;
  scopes: readonly ApiKeyScope[];
}

/** How often a key's `lastUsedAt` is written at most. */
const touchEveryMs = 60_000;

/** Checks bearer keys against the admin key from the environment and the stored keys. */
export function createKeyVerifier(
  store: Pick<MailStore, "findApiKeyByHash" | "touchApiKeys">,
  adminKey: string | undefined,
  cacheMs = 60_000,
  clock: () => number = Date.now,
) {
  const adminHash = adminKey ? Buffer.from(hashApiKey(adminKey)) : null;
  // Valid keys only, for a minute: every request would otherwise read the database. Unknown
  // keys are not cached, so a flood of guesses cannot fill memory.
  const verified = new Map<string, { principal: Principal; until: number }>();
  // When each key's use was last written: at most one write a minute per key, never awaited.
  const touched = new Map<string, number>();
  const touch = (keyId: string, now: number) => {
    if (now - (touched.get(keyId) ?? 0) < touchEveryMs) {
      return;
    }
    if (touched.size >= 1000) {
      touched.clear();
    }
    touched.set(keyId, now);
    // A lost write only leaves `lastUsedAt` a minute behind.
    store.touchApiKeys([{ id: keyId, at: new Date(now) }]).catch(() => {});
  };
  const lookUp = async (hash: string, now: number): Promise<Principal | null> => {
    // Lookup by the hash of a high-entropy key: the comparison happens on hashes, not secrets.
    const record = await store.findApiKeyByHash(hash);
    if (!record) {
      verified.delete(hash);
      return null;
    }
    const principal: Principal = {
      keyId: record.id,
      name: record.name,
      prefix: record.prefix,
      scopes: record.scopes,
    };
    if (verified.size >= 1000) {
      verified.clear();
    }
    verified.set(hash, { principal, until: now + cacheMs });
    touch(record.id, now);
    return principal;
  };
  // Answers at once (no promise) for the admin key and cached keys: every request passes here.
  const verify = (presented: string): Principal | null | Promise<Principal | null> => {
    const hash = hashApiKey(presented);
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash))) {
      return {
        keyId: "admin",
        name: "MAILROUTE_API_KEY",
        prefix: presented.slice(0, 6),
        scopes: ["admin"],
      };
    }
    const now = clock();
    const cached = verified.get(hash);
    if (cached && cached.until > now) {
      touch(cached.principal.keyId, now);
      return cached.principal;
    }
    return lookUp(hash, now);
  };
  return {
    verify,
    /** Drops a key from the cache, so a revoked key is refused at once. */
    forget(keyId: string): void {
      for (const [hash, entry] of verified) {
        if (entry.principal.keyId === keyId) {
          verified.delete(hash);
        }
      }
    },
  };
}

/** A key as the API shows it: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
}

function toView(record: ApiKeyRecord): ApiKeyView {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    scopes: record.scopes,
    createdAt: record.createdAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
  };
}

/** The API keys resource: create (the key shown once), list and revoke, and verify a request's. */
export interface ApiKeysService {
  create(input: {
    name: string;
    scopes: readonly ApiKeyScope[];
  }): Promise<ApiKeyView & { key: string }>;
  list(query: { limit: number; cursor?: string | undefined }): Promise<Page<ApiKeyView>>;
  /** Revokes a key at once, in the verifier's cache too; NOT_FOUND when unknown or revoked. */
  revoke(id: string): Promise<void>;
  /** The principal a presented key authenticates, or null. */
  verify(presented: string): Principal | null | Promise<Principal | null>;
}

/** Builds the API keys service over the store. */
export function createApiKeysService(dependencies: {
  store: Pick<
    MailStore,
    "insertApiKey" | "findApiKeyByHash" | "listApiKeys" | "revokeApiKey" | "touchApiKeys"
  >;
  adminKey?: string | undefined;
  cacheMs?: number;
}): ApiKeysService {
  const { store } = dependencies;
  const verifier = createKeyVerifier(store, dependencies.adminKey, dependencies.cacheMs);
  return {
    async create(input) {
      const { key, record } = await createApiKey(store, input.name, input.scopes);
      return { ...toView(record), key };
    },
    async list(query) {
      const page = await store.listApiKeys(query);
      return { data: page.data.map(toView), nextCursor: page.nextCursor };
    },
    async revoke(id) {
      if (!(await store.revokeApiKey(id, new Date()))) {
        throw new MailrouteError("NOT_FOUND", `no active API key with id ${id}`);
      }
      verifier.forget(id);
    },
    verify: verifier.verify,
  };
}
