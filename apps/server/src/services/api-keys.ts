import { randomBytes, hash as sha, timingSafeEqual } from "node:crypto";
import { type ApiKeyRecord, type MailStore, newId } from "@mailroute/core";

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** SHA-256 of a key, hex: what the store keeps. */
export function hashApiKey(key: string): string {
  // The one-shot form: every request hashes its key, and a Hash object costs more than the hash.
  return sha("sha256", key);
}

/** Creates and stores a new API key; the key itself is returned once and never stored. */
export async function createApiKey(
  store: MailStore,
  name: string,
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
    createdAt: new Date(),
  };
  await store.insertApiKey(record);
  return { key, record };
}

/** Who a request is authenticated as. */
export interface Principal {
  keyId: string;
  name: string;
  prefix: string;
}

/** Checks bearer keys against the admin key from the environment and the stored keys. */
export function createKeyVerifier(
  store: MailStore,
  adminKey: string | undefined,
  cacheMs = 60_000,
) {
  const adminHash = adminKey ? Buffer.from(hashApiKey(adminKey)) : null;
  // Valid keys only, for a minute: every request would otherwise read the database. Unknown
  // keys are not cached, so a flood of guesses cannot fill memory.
  const verified = new Map<string, { principal: Principal; until: number }>();
  const lookUp = async (hash: string): Promise<Principal | null> => {
    // Lookup by the hash of a high-entropy key: the comparison happens on hashes, not secrets.
    const record = await store.findApiKeyByHash(hash);
    if (!record) {
      verified.delete(hash);
      return null;
    }
    const principal = { keyId: record.id, name: record.name, prefix: record.prefix };
    if (verified.size >= 1000) {
      verified.clear();
    }
    verified.set(hash, { principal, until: Date.now() + cacheMs });
    return principal;
  };
  // Answers at once (no promise) for the admin key and cached keys: every request passes here.
  return (presented: string): Principal | null | Promise<Principal | null> => {
    const hash = hashApiKey(presented);
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash))) {
      return { keyId: "admin", name: "MAILROUTE_API_KEY", prefix: presented.slice(0, 6) };
    }
    const cached = verified.get(hash);
    if (cached && cached.until > Date.now()) {
      return cached.principal;
    }
    return lookUp(hash);
  };
}
