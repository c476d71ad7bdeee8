import type Database from "better-sqlite3";
import type { SqliteDatabase } from "../open-database";

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * A raw statement for `sql` on this connection, compiled once and reused. The hot paths (accept,
 * dispatch, webhook ingest) use these instead of the query builder, which compiles its SQL again
 * on every call.
 */
export function prepared(db: SqliteDatabase, sql: string): Database.Statement {
  const client = db.$client;
  let statements = cache.get(client);
  if (!statements) {
    statements = new Map();
    cache.set(client, statements);
  }
  const cached = statements.get(sql);
  if (cached) {
    return cached;
  }
  const statement = client.prepare(sql);
  statements.set(sql, statement);
  return statement;
}
