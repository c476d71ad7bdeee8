import { type ApiKeyRecord, type ApiKeyScope, apiKeyScopes, type Page } from "@mailroute/core";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { apiKeys } from "../schema/index";
import { beforeCursor, newestFirstPage } from "./newest-first";
import { jsonBytes } from "./page-budget";

/** How many API keys exist (revoked ones included). */
export function countApiKeys(db: SqliteDatabase): number {
  return db.select({ count: sql<number>`count(*)` }).from(apiKeys).get()?.count ?? 0;
}

/** Stores a new key's hash, prefix and scopes. */
export function insertApiKey(db: SqliteDatabase, key: ApiKeyRecord): void {
  db.insert(apiKeys)
    .values({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      hash: key.hash,
      scopes: JSON.stringify(key.scopes),
      createdAt: key.createdAt.getTime(),
      lastUsedAt: key.lastUsedAt?.getTime() ?? null,
    })
    .run();
}

/** The scopes kept as JSON; anything unknown is dropped rather than trusted. */
function scopesOf(stored: string): ApiKeyScope[] {
  const parsed: unknown = JSON.parse(stored);
  return Array.isArray(parsed) ? apiKeyScopes.filter((scope) => parsed.includes(scope)) : [];
}

function toRecord(row: typeof apiKeys.$inferSelect): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    scopes: scopesOf(row.scopes),
    createdAt: new Date(row.createdAt),
    lastUsedAt: row.lastUsedAt === null ? null : new Date(row.lastUsedAt),
  };
}

/** The active key with this hash, or null. */
export function findApiKeyByHash(db: SqliteDatabase, hash: string): ApiKeyRecord | null {
  const row = db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
    .get();
  return row ? toRecord(row) : null;
}

/** Active keys, newest first. */
export function listApiKeys(
  db: SqliteDatabase,
  query: { limit: number; cursor?: string | undefined },
): Page<ApiKeyRecord> {
  const rows = db
    .select({ row: apiKeys, bytes: jsonBytes(160, apiKeys.name, apiKeys.scopes) })
    .from(apiKeys)
    .where(
      and(isNull(apiKeys.revokedAt), beforeCursor(query.cursor, apiKeys.createdAt, apiKeys.id)),
    )
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(query.limit + 1)
    .all();
  const page = newestFirstPage(
    rows,
    query.limit,
    ({ row }) => [row.createdAt, row.id],
    ({ bytes }) => bytes,
  );
  return { data: page.rows.map(({ row }) => toRecord(row)), nextCursor: page.nextCursor };
}

/** Revokes an active key; false when there is none with this id. */
export function revokeApiKey(db: SqliteDatabase, id: string, at: Date): boolean {
  const result = db
    .update(apiKeys)
    .set({ revokedAt: at.getTime() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .run();
  return result.changes > 0;
}

/** Records when keys were last used; a later time never goes back. */
export function touchApiKeys(db: SqliteDatabase, uses: { id: string; at: Date }[]): void {
  for (const use of uses) {
    db.update(apiKeys)
      .set({ lastUsedAt: sql`max(coalesce(${apiKeys.lastUsedAt}, 0), ${use.at.getTime()})` })
      .where(eq(apiKeys.id, use.id))
      .run();
  }
}
