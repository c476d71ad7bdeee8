import { type Page, type Suppression, suppressionLookupEmails } from "@mailroute/core";
import { and, desc, eq, getTableColumns, type SQL } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { suppressions } from "../schema/index";
import { beforeCursor, newestFirstPage } from "./newest-first";
import { jsonBytes } from "./page-budget";
import { prepared } from "./prepared";

type SuppressionRow = typeof suppressions.$inferSelect;

function toSuppression(row: SuppressionRow): Suppression {
  return {
    email: row.email,
    reason: row.reason,
    provider: row.provider,
    eventId: row.eventId,
    messageId: row.messageId,
    note: row.note,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** The suppressed addresses among `emails`. */
export function findSuppressions(db: SqliteDatabase, emails: string[]): Suppression[] {
  if (emails.length === 0) {
    return [];
  }
  // Every dispatch checks its recipients here: one compiled lookup per address.
  const find = prepared(
    db,
    "select email, reason, provider, event_id as eventId, message_id as messageId, note, created_at as createdAt from suppressions where email = ?",
  );
  const found: Suppression[] = [];
  for (const email of suppressionLookupEmails(emails)) {
    const row = find.get(email) as SuppressionRow | undefined;
    if (row) {
      found.push(toSuppression(row));
    }
  }
  return found;
}

/** Adds an address unless it is already listed. */
export function addSuppression(
  db: SqliteDatabase,
  input: Omit<Suppression, "createdAt"> & { at: Date },
): boolean {
  const result = db
    .insert(suppressions)
    .values({
      email: input.email.toLowerCase(),
      reason: input.reason,
      provider: input.provider,
      eventId: input.eventId,
      messageId: input.messageId,
      note: input.note,
      createdAt: input.at.getTime(),
    })
    .onConflictDoNothing()
    .run();
  return result.changes > 0;
}

/** Removes an address; false when it was not listed. */
export function removeSuppression(db: SqliteDatabase, email: string): boolean {
  return (
    db.delete(suppressions).where(eq(suppressions.email, email.toLowerCase())).run().changes > 0
  );
}

/** The list, newest first. */
export function listSuppressions(
  db: SqliteDatabase,
  query: { email?: string | undefined; limit: number; cursor?: string | undefined },
): Page<Suppression> {
  const conditions: SQL[] = [];
  if (query.email) {
    conditions.push(eq(suppressions.email, query.email.toLowerCase()));
  }
  const before = beforeCursor(query.cursor, suppressions.createdAt, suppressions.email);
  if (before) {
    conditions.push(before);
  }
  const rows = db
    .select({
      ...getTableColumns(suppressions),
      bytes: jsonBytes(
        160,
        suppressions.email,
        suppressions.reason,
        suppressions.provider,
        suppressions.eventId,
        suppressions.messageId,
        suppressions.note,
      ),
    })
    .from(suppressions)
    .where(and(...conditions))
    .orderBy(desc(suppressions.createdAt), desc(suppressions.email))
    .limit(query.limit + 1)
    .all();
  const page = newestFirstPage(
    rows,
    query.limit,
    (row) => [row.createdAt, row.email],
    (row) => row.bytes,
  );
  return { data: page.rows.map(toSuppression), nextCursor: page.nextCursor };
}
