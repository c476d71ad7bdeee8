import {
  type CapturedMessage,
  type CaptureSummary,
  type EmailMessage,
  newId,
  type Page,
} from "@mailroute/core";
import { and, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { captures } from "../schema/index";
import { attachmentViews } from "./attachment-views";
import { beforeCursor, newestFirstPage } from "./newest-first";
import { jsonBytes } from "./page-budget";

/** What a list shows of a captured message: no bodies, no attachment contents. */
function summarize(message: EmailMessage): CaptureSummary["message"] {
  return {
    from: message.from,
    to: message.to,
    cc: message.cc,
    bcc: message.bcc,
    subject: message.subject,
    attachments: attachmentViews(message.attachments),
  };
}

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
      summary: JSON.stringify(summarize(input.message)),
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

/**
 * Captured messages, newest first. A page reads the summaries only; with `include: "content"`
 * it measures the stored messages first and then reads just those that fit in the page.
 */
export function listCaptures(
  db: SqliteDatabase,
  query: {
    messageId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
    include?: "content" | undefined;
  },
): Page<CaptureSummary | CapturedMessage> {
  const conditions: SQL[] = [];
  if (query.messageId) {
    conditions.push(eq(captures.messageId, query.messageId));
  }
  const before = beforeCursor(query.cursor, captures.capturedAt, captures.id);
  if (before) {
    conditions.push(before);
  }
  const withContent = query.include === "content";
  const rows = db
    .select({
      id: captures.id,
      messageId: captures.messageId,
      provider: captures.provider,
      requests: captures.requests,
      capturedAt: captures.capturedAt,
      summary: captures.summary,
      size: sql<number>`octet_length(${captures.payload})`,
      bytes: withContent
        ? jsonBytes(200, captures.id, captures.messageId, captures.provider, captures.payload)
        : jsonBytes(200, captures.id, captures.messageId, captures.provider, captures.summary),
    })
    .from(captures)
    .where(and(...conditions))
    .orderBy(desc(captures.capturedAt), desc(captures.id))
    .limit(query.limit + 1)
    .all();
  const page = newestFirstPage(
    rows,
    query.limit,
    (row) => [row.capturedAt, row.id],
    (row) => row.bytes,
  );
  const contents = withContent
    ? readContents(
        db,
        page.rows.map((row) => row.id),
      )
    : null;
  return {
    data: page.rows.map((row): CaptureSummary | CapturedMessage => {
      const capture = {
        id: row.id,
        messageId: row.messageId,
        provider: row.provider,
        capturedAt: new Date(row.capturedAt).toISOString(),
        requests: row.requests,
        size: row.size,
      };
      const content = contents?.get(row.id);
      return content
        ? { ...capture, message: content }
        : { ...capture, message: JSON.parse(row.summary) as CaptureSummary["message"] };
    }),
    nextCursor: page.nextCursor,
  };
}

function readContents(db: SqliteDatabase, ids: string[]): Map<string, EmailMessage> {
  if (ids.length === 0) {
    return new Map();
  }
  const rows = db
    .select({ id: captures.id, payload: captures.payload })
    .from(captures)
    .where(inArray(captures.id, ids))
    .all();
  return new Map(rows.map((row) => [row.id, JSON.parse(row.payload) as EmailMessage]));
}
