import { createSqliteStore, type SqliteStore } from "./sqlite-store";

/** A store on a fresh in-memory database with the real migrations applied. */
export function createTestStore(): SqliteStore {
  return createSqliteStore({ path: ":memory:" });
}
