import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PoolClient } from "pg";
import type { PgClient } from "../pg-client";

const builders = new WeakMap<PgClient, NodePgDatabase>();

/**
 * Drizzle's query builder over one connection, made once per connection. Its statements run on
 * `client` as they are, so inside the transaction the store opened on it.
 */
export function queryBuilder(client: PgClient): NodePgDatabase {
  let db = builders.get(client);
  if (!db) {
    // Drizzle only calls `query` on the client it is given; the pool's clients are PoolClients.
    db = drizzle({ client: client as PoolClient });
    builders.set(client, db);
  }
  return db;
}
