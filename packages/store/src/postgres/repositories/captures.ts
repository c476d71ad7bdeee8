import {
  type CapturedMessage,
  type CaptureSummary,
  type EmailMessage,
  newId,
  type Page,
} from "@mailroute/core";
import { and, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { attachmentViews } from "../../repositories/attachment-views";
import { beforeCursor, newestFirstPage } from "../../repositories/newest-first";
import { jsonBytes } from "../../repositories/page-budget";
import type { PgClient } from "../pg-client";
import { captures } from "../schema/index";
import { queryBuilder } from "./query-builder";

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

/**
 * Keeps a captured message once per message and provider; a repeat only counts the request. The
 * insert and the count are one statement, so two instances capturing the same message at once
 * keep one row that counts both.
 */
export async function saveCapture(
  client: PgClient,
  input: { messageId: string; provider: string; message: EmailMessage; at: Date },
): Promise<{ id: string; replayed: boolean }> {
  const [row] = await queryBuilder(client)
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
    .returning({ id: captures.id, requests: captures.requests });
  if (!row) {
    throw new Error(`the capture of message ${input.messageId} was not stored`);
  }
  return { id: row.id, replayed: row.requests > 1 };
}

/**
 * Captured messages, newest first. A page reads the summaries only; with `include: "content"`
 * it measures the stored messages first and then reads just those that fit in the page.
 */
export async function listCaptures(
  client: PgClient,
  query: {
    messageId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
    include?: "content" | undefined;
  },
): Promise<Page<CaptureSummary | CapturedMessage>> {
  const conditions: SQL[] = [];
  if (query.messageId) {
    conditions.push(eq(captures.messageId, query.messageId));
  }
  const before = beforeCursor(query.cursor, captures.capturedAt, captures.id);
  if (before) {
    conditions.push(before);
  }
  const withContent = query.include === "content";
  const rows = await queryBuilder(client)
    .select({
      id: captures.id,
      messageId: captures.messageId,
      provider: captures.provider,
      requests: captures.requests,
      capturedAt: captures.capturedAt,
      summary: captures.summary,
      size: sql<number>`octet_length(${captures.payload})`.mapWith(Number),
      bytes: withContent
        ? jsonBytes(200, captures.id, captures.messageId, captures.provider, captures.payload)
        : jsonBytes(200, captures.id, captures.messageId, captures.provider, captures.summary),
    })
    .from(captures)
    .where(and(...conditions))
    .orderBy(desc(captures.capturedAt), desc(captures.id))
    .limit(query.limit + 1);
  const page = newestFirstPage(
    rows,
    query.limit,
    (row) => [row.capturedAt, row.id],
    (row) => row.bytes,
  );
  const contents = withContent
    ? await readContents(
        client,
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

async function readContents(client: PgClient, ids: string[]): Promise<Map<string, EmailMessage>> {
  if (ids.length === 0) {
    return new Map();
  }
  const rows = await queryBuilder(client)
    .select({ id: captures.id, payload: captures.payload })
    .from(captures)
    .where(inArray(captures.id, ids));
  return new Map(rows.map((row) => [row.id, JSON.parse(row.payload) as EmailMessage]));
}
