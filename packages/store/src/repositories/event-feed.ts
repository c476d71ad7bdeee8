import {
  type EmailEvent,
  type EventQuery,
  type EventSummary,
  MailrouteError,
  type Page,
} from "@mailroute/core";
import { and, asc, eq, getTableColumns, gt, inArray, type SQL } from "drizzle-orm";
import { decodeCursor, encodeCursor, readJson } from "../json";
import type { SqliteDatabase } from "../open-database";
import { deliveryEvents } from "../schema/index";
import { toEventSummary } from "./event-rows";
import { jsonBytes, withinBudget } from "./page-budget";

const { raw, ...summaryColumns } = getTableColumns(deliveryEvents);

/** The stored text columns an event's JSON is made of, `raw` aside. */
const textColumns = [
  deliveryEvents.id,
  deliveryEvents.messageId,
  deliveryEvents.provider,
  deliveryEvents.providerType,
  deliveryEvents.providerMessageId,
  deliveryEvents.providerEventId,
  deliveryEvents.recipient,
  deliveryEvents.reason,
  deliveryEvents.enhancedStatus,
  deliveryEvents.url,
  deliveryEvents.userAgent,
  deliveryEvents.tags,
  deliveryEvents.metadata,
];

/**
 * The event feed in commit order. The cursor is the event's sequence number, which SQLite
 * assigns inside the single writer's transaction, so a page never skips an event committed
 * before it and never repeats one. A page may stop before `limit` when it passes the byte
 * budget; `nextCursor` is then its last event, so the next page starts right after it. It is
 * where to continue also when the page is empty, so a client can keep polling with it.
 *
 * `raw` is read only with `include: "raw"`, and then only for the events that fit the page.
 */
export function listEvents(db: SqliteDatabase, query: EventQuery): Page<EventSummary | EmailEvent> {
  const conditions: SQL[] = [];
  let after = 0;
  if (query.after) {
    const [seq] = decodeCursor(query.after) ?? [];
    if (typeof seq !== "number") {
      throw new MailrouteError("VALIDATION_ERROR", "after is not a cursor this API returned", {
        details: [{ path: "after", message: "is invalid" }],
      });
    }
    after = seq;
  }
  conditions.push(gt(deliveryEvents.seq, after));
  if (query.types && query.types.length > 0) {
    conditions.push(inArray(deliveryEvents.type, query.types));
  }
  if (query.messageId) {
    conditions.push(eq(deliveryEvents.messageId, query.messageId));
  }
  const withRaw = query.include === "raw";
  const rows = db
    .select({
      ...summaryColumns,
      bytes: withRaw ? jsonBytes(420, ...textColumns, raw) : jsonBytes(400, ...textColumns),
    })
    .from(deliveryEvents)
    .where(and(...conditions))
    .orderBy(asc(deliveryEvents.seq))
    .limit(query.limit)
    .all();
  const page = withinBudget(rows, (row) => row.bytes);
  const last = page.at(-1);
  const nextCursor = encodeCursor([last ? last.seq : after]);
  if (!withRaw) {
    return { data: page.map(toEventSummary), nextCursor };
  }
  const raws = readRaw(
    db,
    page.map((row) => row.seq),
  );
  return {
    data: page.map((row) => ({ ...toEventSummary(row), raw: readJson(raws.get(row.seq) ?? null) })),
    nextCursor,
  };
}

function readRaw(db: SqliteDatabase, seqs: number[]): Map<number, string | null> {
  if (seqs.length === 0) {
    return new Map();
  }
  const rows = db
    .select({ seq: deliveryEvents.seq, raw: deliveryEvents.raw })
    .from(deliveryEvents)
    .where(inArray(deliveryEvents.seq, seqs))
    .all();
  return new Map(rows.map((row) => [row.seq, row.raw]));
}
