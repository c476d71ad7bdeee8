import { type CapturedMessage, type EmailMessage, newId, type Page } from "@mailroute/core";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { captures } from "../schema/index";
import { beforeCursor, newestFirstPage } from "./newest-first";

/** Keeps a captured message once per message and provider; a repeat only counts the request. */
export function saveCapture(
  db: SqliteDatabase,
  input: { messageId: string; provider: string; message: EmailMessage; at: Date },
): { id: string; replayed: boolean } {
  const row = db
    .insert(captures)
    .values({
      id: newId("cap", input.at.getTime()),
      messageId: input.messageId,
      provider: input.provider,
      payload: JSON.stringify(input.message),
      capturedAt: input.at.getTime(),
    })
    .onConflictDoUpdate({
      target: [captures.messageId, captures.provider],
      set: { requests: sql`${captures.requests} + 1` },
    })
    .returning({ id: captures.id, requests: captures.requests })
    .get();
  return { id: row.id, replayed: row.requests > 1 };
}

/** Captured messages, newest first. */
export function listCaptures(
  db: SqliteDatabase,
  query: { messageId?: string | undefined; limit: number; cursor?: string | undefined },
): Page<CapturedMessage> {
  const conditions: SQL[] = [];
  if (query.messageId) {
    conditions.push(eq(captures.messageId, query.messageId));
  }
  const before = beforeCursor(query.cursor, captures.capturedAt, captures.id);
  if (before) {
    conditions.push(before);
  }
  const rows = db
    .select()
    .from(captures)
    .where(and(...conditions))
    .orderBy(desc(captures.capturedAt), desc(captures.id))
    .limit(query.limit + 1)
    .all();
  return newestFirstPage(
    rows,
    query.limit,
    (row) => [row.capturedAt, row.id],
    (row) => ({
      id: row.id,
      messageId: row.messageId,
      provider: row.provider,
      capturedAt: new Date(row.capturedAt).toISOString(),
      requests: row.requests,
      message: JSON.parse(row.payload) as EmailMessage,
    }),
  );
}
