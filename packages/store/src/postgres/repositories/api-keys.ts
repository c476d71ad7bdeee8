import { type ApiKeyRecord, type ApiKeyScope, apiKeyScopes, type Page } from "@mailroute/core";
import { and, count, desc, eq, isNull } from "drizzle-orm";
import { beforeCursor, newestFirstPage } from "../../repositories/newest-first";
import { jsonBytes } from "../../repositories/page-budget";
import type { PgClient } from "../pg-client";
import { apiKeys } from "../schema/index";
import { queryBuilder } from "./query-builder";

type ApiKeyRow = typeof apiKeys.$inferSelect;

/** How many API keys exist (revoked ones included). */
export async function countApiKeys(client: PgClient): Promise<number> {
  const [row] = await queryBuilder(client).select({ count: count() }).from(apiKeys);
  return row?.count ?? 0;
}

/** Stores a new key's hash, prefix and scopes. */
export async function insertApiKey(client: PgClient, key: ApiKeyRecord): Promise<void> {
  await queryBuilder(client)
    .insert(apiKeys)
    .values({
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      hash: key.hash,
      scopes: JSON.stringify(key.scopes),
      createdAt: key.createdAt.getTime(),
      lastUsedAt: key.lastUsedAt?.getTime() ?? null,
    });
}

/** The scopes kept as JSON; anything unknown is dropped rather than trusted. */
function scopesOf(stored: string): ApiKeyScope[] {
  const parsed: unknown = JSON.parse(stored);
  return Array.isArray(parsed) ? apiKeyScopes.filter((scope) => parsed.includes(scope)) : [];
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
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

/**
 * The active key with this hash, or null. Every authenticated request the key cache misses asks
 * this, so it is a named statement, parsed once per connection; revoked keys are filtered here,
 * in the database, so a revocation on any instance holds for the next lookup on every other.
 */
export async function findApiKeyByHash(
  client: PgClient,
  hash: string,
): Promise<ApiKeyRecord | null> {
  const result = await client.query<{
    id: string;
    name: string;
    prefix: string;
    hash: string;
    scopes: string;
    created_at: number | string;
    last_used_at: number | string | null;
  }>({
    name: "mailroute_api_key_by_hash",
    text: "select id, name, prefix, hash, scopes, created_at, last_used_at from api_keys where hash = $1 and revoked_at is null",
    values: [hash],
  });
  const row = result.rows[0];
  return row
    ? toRecord({
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        hash: row.hash,
        scopes: row.scopes,
        createdAt: Number(row.created_at),
        lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
        revokedAt: null,
      })
    : null;
}

/** Active keys, newest first. */
export async function listApiKeys(
  client: PgClient,
  query: { limit: number; cursor?: string | undefined },
): Promise<Page<ApiKeyRecord>> {
  const rows = await queryBuilder(client)
    .select({ row: apiKeys, bytes: jsonBytes(160, apiKeys.name, apiKeys.scopes) })
    .from(apiKeys)
    .where(
      and(isNull(apiKeys.revokedAt), beforeCursor(query.cursor, apiKeys.createdAt, apiKeys.id)),
    )
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(query.limit + 1);
  const page = newestFirstPage(
    rows,
    query.limit,
    ({ row }) => [row.createdAt, row.id],
    ({ bytes }) => bytes,
  );
  return { data: page.rows.map(({ row }) => toRecord(row)), nextCursor: page.nextCursor };
}

/** Revokes an active key; false when there is none with this id. */
export async function revokeApiKey(client: PgClient, id: string, at: Date): Promise<boolean> {
  const rows = await queryBuilder(client)
    .update(apiKeys)
    .set({ revokedAt: at.getTime() })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

/**
 * Records when keys were last used; a later time never goes back. Keys are updated one by one in
 * id order, so two instances recording the same keys lock their rows in the same order and never
 * deadlock.
 */
export async function touchApiKeys(
  client: PgClient,
  uses: { id: string; at: Date }[],
): Promise<void> {
  const latest = new Map<string, number>();
  for (const use of uses) {
    latest.set(use.id, Math.max(latest.get(use.id) ?? 0, use.at.getTime()));
  }
  for (const id of [...latest.keys()].sort()) {
    await client.query({
      name: "mailroute_api_key_touch",
      text: "update api_keys set last_used_at = greatest(coalesce(last_used_at, 0), $2::bigint) where id = $1",
      values: [id, latest.get(id)],
    });
  }
}
