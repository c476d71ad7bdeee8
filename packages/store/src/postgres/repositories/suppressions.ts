import { type Page, type Suppression, suppressionLookupEmails } from "@mailroute/core";
import { and, desc, eq, getTableColumns, type SQL } from "drizzle-orm";
import { beforeCursor, newestFirstPage } from "../../repositories/newest-first";
import { jsonBytes } from "../../repositories/page-budget";
import type { PgClient } from "../pg-client";
import { suppressions } from "../schema/index";
import { queryBuilder } from "./query-builder";

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

/** The suppressed addresses among `emails`, in address order. */
export async function findSuppressions(client: PgClient, emails: string[]): Promise<Suppression[]> {
  if (emails.length === 0) {
    return [];
  }
  const wanted = suppressionLookupEmails(emails);
  // Every dispatch checks its recipients here: one named statement, parsed once per connection,
  // for all of them.
  const result = await client.query<{
    email: string;
    reason: SuppressionRow["reason"];
    provider: string | null;
    event_id: string | null;
    message_id: string | null;
    note: string | null;
    created_at: number | string;
  }>({
    name: "mailroute_suppressions_find",
    text: "select email, reason, provider, event_id, message_id, note, created_at from suppressions where email = any($1::text[])",
    values: [wanted],
  });
  const byEmail = new Map(result.rows.map((row) => [row.email, row]));
  const found: Suppression[] = [];
  for (const email of wanted) {
    const row = byEmail.get(email);
    if (row) {
      found.push(
        toSuppression({
          email: row.email,
          reason: row.reason,
          provider: row.provider,
          eventId: row.event_id,
          messageId: row.message_id,
          note: row.note,
          createdAt: Number(row.created_at),
        }),
      );
    }
  }
  return found;
}

/** Adds an address unless it is already listed (whoever lists it first keeps their reason). */
export async function addSuppression(
  client: PgClient,
  input: Omit<Suppression, "createdAt"> & { at: Date },
): Promise<boolean> {
  const rows = await queryBuilder(client)
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
    .returning({ email: suppressions.email });
  return rows.length > 0;
}

/** Removes an address; false when it was not listed. */
export async function removeSuppression(client: PgClient, email: string): Promise<boolean> {
  const rows = await queryBuilder(client)
    .delete(suppressions)
    .where(eq(suppressions.email, email.toLowerCase()))
    .returning({ email: suppressions.email });
  return rows.length > 0;
}

/** The list, newest first. */
export async function listSuppressions(
  client: PgClient,
  query: { email?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<Suppression>> {
  const conditions: SQL[] = [];
  if (query.email) {
    conditions.push(eq(suppressions.email, query.email.toLowerCase()));
  }
  const before = beforeCursor(query.cursor, suppressions.createdAt, suppressions.email);
  if (before) {
    conditions.push(before);
  }
  const rows = await queryBuilder(client)
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
    .limit(query.limit + 1);
  const page = newestFirstPage(
    rows,
    query.limit,
    (row) => [row.createdAt, row.email],
    (row) => row.bytes,
  );
  return { data: page.rows.map(toSuppression), nextCursor: page.nextCursor };
}
