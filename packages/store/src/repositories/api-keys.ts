import type { ApiKeyRecord } from "@mailroute/core";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { apiKeys } from "../schema/index";

/** How many API keys exist (revoked ones included). */
export function countApiKeys(db: SqliteDatabase): number {
  return db.select({ count: sql<number>`count(*)` }).from(apiKeys).get()?.count ?? 0;
}

/** Stores a new key's hash and prefix. */
export function insertApiKey(db: SqliteDatabase, key: ApiKeyRecord): void {
  db.insert(apiKeys)
    .values({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      hash: key.hash,
      createdAt: key.createdAt.getTime(),
    })
    .run();
}

/** The active key with this hash, or null. */
export function findApiKeyByHash(db: SqliteDatabase, hash: string): ApiKeyRecord | null {
  const row = db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
    .get();
  return row
    ? {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        hash: row.hash,
        createdAt: new Date(row.createdAt),
      }
    : null;
}
