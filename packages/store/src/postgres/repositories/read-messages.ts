import type {
  AttemptError,
  AttemptView,
  EmailAddress,
  EmailMessage,
  MessageDetail,
  MessageQuery,
  MessageSummary,
  Page,
  ProviderStats,
  RoutePlan,
} from "@mailroute/core";
import { and, asc, desc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import { readJson } from "../../json";
import { attachmentViews } from "../../repositories/attachment-views";
import { beforeCursor, newestFirstPage } from "../../repositories/newest-first";
import { jsonBytes } from "../../repositories/page-budget";
import type { PgClient } from "../pg-client";
import { deliveryEvents, messages, messageTags, recipients, sendAttempts } from "../schema/index";
import { toEmailEvent } from "./event-rows";
import { queryBuilder } from "./query-builder";

type MessageRow = typeof messages.$inferSelect;

interface Envelope {
  from: EmailAddress;
  to: EmailAddress[];
  tags: string[];
  metadata: Record<string, string>;
}

/** The columns a message summary is made of: never `payload`, which holds the bodies. */
const summaryColumns = {
  id: messages.id,
  status: messages.status,
  subject: messages.subject,
  envelope: messages.envelope,
  provider: messages.provider,
  providerMessageId: messages.providerMessageId,
  possibleDuplicate: messages.possibleDuplicate,
  createdAt: messages.createdAt,
  updatedAt: messages.updatedAt,
  sendAt: messages.sendAt,
};

type SummaryRow = Pick<MessageRow, keyof typeof summaryColumns>;

function toSummary(row: SummaryRow): MessageSummary {
  const envelope = JSON.parse(row.envelope) as Envelope;
  return {
    id: row.id,
    status: row.status,
    from: envelope.from,
    to: envelope.to,
    subject: row.subject,
    tags: envelope.tags,
    metadata: envelope.metadata,
    provider: row.provider,
    providerMessageId: row.providerMessageId,
    possibleDuplicate: row.possibleDuplicate,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    sendAt: row.sendAt === null ? null : new Date(row.sendAt).toISOString(),
  };
}

function toAttemptView(row: typeof sendAttempts.$inferSelect): AttemptView {
  return {
    id: row.id,
    provider: row.provider,
    outcome: row.outcome,
    startedAt: new Date(row.startedAt).toISOString(),
    durationMs: row.durationMs,
    providerMessageId: row.providerMessageId,
    error: readJson<AttemptError>(row.error),
  };
}

/** One message with everything the API shows about it. */
export async function getMessage(
  client: PgClient,
  id: string,
  apiKeyId?: string,
): Promise<MessageDetail | null> {
  const db = queryBuilder(client);
  const [row] = await db.select().from(messages).where(eq(messages.id, id));
  if (!row || (apiKeyId !== undefined && row.apiKeyId !== apiKeyId)) {
    return null;
  }
  const message = JSON.parse(row.payload) as EmailMessage;
  const recipientRows = await db
    .select()
    .from(recipients)
    .where(eq(recipients.messageId, id))
    .orderBy(asc(recipients.position));
  const attemptRows = await db
    .select()
    .from(sendAttempts)
    .where(eq(sendAttempts.messageId, id))
    .orderBy(asc(sendAttempts.startedAt), asc(sendAttempts.id));
  const eventRows = await db
    .select()
    .from(deliveryEvents)
    .where(eq(deliveryEvents.messageId, id))
    .orderBy(asc(deliveryEvents.occurredAt), asc(deliveryEvents.written));
  return {
    ...toSummary(row),
    cc: message.cc,
    bcc: message.bcc,
    replyTo: message.replyTo,
    text: message.text ?? null,
    html: message.html ?? null,
    headers: message.headers,
    attachments: attachmentViews(message.attachments),
    ...(message.tracking ? { tracking: message.tracking } : {}),
    recipients: recipientRows.map((recipient) => ({
      email: recipient.email,
      status: recipient.status,
    })),
    attempts: attemptRows.map(toAttemptView),
    events: eventRows.map(toEmailEvent),
    routing: readJson<RoutePlan>(row.routing),
    error: readJson<AttemptError>(row.error),
    template: message.template ?? null,
  };
}

/** The message log, newest first, filtered, one page at a time. */
export async function listMessages(
  client: PgClient,
  query: MessageQuery,
): Promise<Page<MessageSummary>> {
  const conditions: SQL[] = [];
  if (query.status && query.status.length > 0) {
    conditions.push(inArray(messages.status, query.status));
  }
  if (query.since) {
    conditions.push(gte(messages.createdAt, query.since.getTime()));
  }
  if (query.until) {
    conditions.push(lt(messages.createdAt, query.until.getTime()));
  }
  if (query.from) {
    conditions.push(eq(messages.fromEmail, query.from.toLowerCase()));
  }
  if (query.provider) {
    conditions.push(eq(messages.provider, query.provider));
  }
  if (query.apiKeyId !== undefined) {
    conditions.push(eq(messages.apiKeyId, query.apiKeyId));
  }
  if (query.ids && query.ids.length > 0) {
    conditions.push(inArray(messages.id, query.ids));
  }
  if (query.to) {
    const to = query.to.toLowerCase();
    conditions.push(
      sql`exists (select 1 from ${recipients} where ${recipients.messageId} = ${messages.id} and ${recipients.email} = ${to})`,
    );
  }
  if (query.tag) {
    conditions.push(
      sql`exists (select 1 from ${messageTags} where ${messageTags.messageId} = ${messages.id} and ${messageTags.tag} = ${query.tag})`,
    );
  }
  const before = beforeCursor(query.cursor, messages.createdAt, messages.id);
  if (before) {
    conditions.push(before);
  }
  const rows = await queryBuilder(client)
    .select({
      ...summaryColumns,
      bytes: jsonBytes(
        330,
        messages.id,
        messages.subject,
        messages.envelope,
        messages.provider,
        messages.providerMessageId,
      ),
    })
    .from(messages)
    .where(and(...conditions))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(query.limit + 1);
  const page = newestFirstPage(
    rows,
    query.limit,
    (row) => [row.createdAt, row.id],
    (row) => row.bytes,
  );
  return { data: page.rows.map(toSummary), nextCursor: page.nextCursor };
}

/** Per-provider attempt counts and mean latency since a time. */
export async function providerStats(client: PgClient, since: Date): Promise<ProviderStats[]> {
  const count = (outcome: string) =>
    sql<number>`count(*) filter (where ${sendAttempts.outcome} = ${outcome})`.mapWith(Number);
  const rows = await queryBuilder(client)
    .select({
      provider: sendAttempts.provider,
      attempts: sql<number>`count(*)`.mapWith(Number),
      accepted: count("accepted"),
      retryable: count("retryable"),
      permanent: count("permanent"),
      ambiguous: count("ambiguous"),
      avgLatencyMs: sql<number | null>`avg(${sendAttempts.durationMs})::float8`,
    })
    .from(sendAttempts)
    .where(gte(sendAttempts.startedAt, since.getTime()))
    .groupBy(sendAttempts.provider);
  return rows.map((row) => ({
    ...row,
    avgLatencyMs: row.avgLatencyMs === null ? null : Math.round(row.avgLatencyMs * 10) / 10,
  }));
}
