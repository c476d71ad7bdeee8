import type { EmailMessage } from "@mailroute/core";
import { createSqliteStore, type SqliteStore } from "./sqlite-store";

/** A store on a fresh in-memory database with the real migrations applied. */
export function createTestStore(): SqliteStore {
  return createSqliteStore({ path: ":memory:" });
}

/** Accepts a message now, due at once, as `POST /v1/messages` would; returns the time used. */
export async function acceptNow(store: SqliteStore, message: EmailMessage): Promise<Date> {
  const now = new Date();
  await store.acceptMessage({
    message,
    acceptedAt: now,
    runAt: now,
    response: { status: 202, body: {} },
  });
  return now;
}
