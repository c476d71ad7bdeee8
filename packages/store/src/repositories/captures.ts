import {
  type CapturedMessage,
  type EmailMessage,
  MailrouteError,
  newId,
  type Page,
} from "@mailroute/core";
import { and, desc, eq, lt, or, type SQL, sql } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../json";
import type { SqliteDatabase } from "../open-database";
import { captures } from "../schema/index";

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
  if (query.cursor) {
    const [capturedAt, id] = decodeCursor(query.cursor) ?? [];
    if (typeof capturedAt !== "number" || typeof id !== "string") {
      throw new MailrouteError("VALIDATION_ERROR", "cursor is not one this API returned", {
        details: [{ path: "cursor", message: "is invalid" }],
      });
    }
    const before = or(
      lt(captures.capturedAt, capturedAt),
      and(eq(captures.capturedAt, capturedAt), lt(captures.id, id)),
    );
    if (before) {
      conditions.push(before);
    }
  }
  const rows = db
    .select()
    .from(captures)
    .where(and(...conditions))
    .orderBy(desc(captures.capturedAt), desc(captures.id))
    .limit(query.limit + 1)
    .all();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => ({
      id: row.id,
      messageId: row.messageId,
      provider: row.provider,
      capturedAt: new Date(row.capturedAt).toISOString(),
      requests: row.requests,
      message: JSON.parse(row.payload) as EmailMessage,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.capturedAt, last.id]) : null,
  };
}
