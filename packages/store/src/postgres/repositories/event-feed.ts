import {
  type EmailEvent,
  type EventQuery,
  type EventSummary,
  MailrouteError,
  type Page,
} from "@mailroute/core";
import { and, asc, eq, getTableColumns, gt, inArray, type SQL } from "drizzle-orm";
import { decodeCursor, encodeCursor, readJson } from "../../json";
import { jsonBytes, withinBudget } from "../../repositories/page-budget";
import type { PgClient } from "../pg-client";
import { deliveryEvents } from "../schema/index";
import { toEventSummary } from "./event-rows";
import { queryBuilder } from "./query-builder";

const { raw, written, ...summaryColumns } = getTableColumns(deliveryEvents);

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
 * The event feed in commit order. The cursor is the event's sequence number, which the
 * sequencer (see sequencer.ts) gives committed events only, consecutively and in the order they
 * were numbered: a page never skips an event and never repeats one, whatever the concurrent
 * writers. Events not numbered yet are not in the feed (they are, a moment later). A page may
 * stop before `limit` when it passes the byte budget; `nextCursor` is then its last event. It is
 * where to continue also when the page is empty, so a client can keep polling with it.
 */
export async function listEvents(
  client: PgClient,
  query: EventQuery,
): Promise<Page<EventSummary | EmailEvent>> {
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
  // Also keeps out the events not numbered yet: `null > n` is not true.
  conditions.push(gt(deliveryEvents.seq, after));
  if (query.types && query.types.length > 0) {
    conditions.push(inArray(deliveryEvents.type, query.types));
  }
  if (query.messageId) {
    conditions.push(eq(deliveryEvents.messageId, query.messageId));
  }
  const withRaw = query.include === "raw";
  const rows = await queryBuilder(client)
    .select({
      ...summaryColumns,
      bytes: withRaw ? jsonBytes(420, ...textColumns, raw) : jsonBytes(400, ...textColumns),
    })
    .from(deliveryEvents)
    .where(and(...conditions))
    .orderBy(asc(deliveryEvents.seq))
    .limit(query.limit);
  const page = withinBudget(rows, (row) => row.bytes);
  const last = page.at(-1);
  const nextCursor = encodeCursor([last?.seq ?? after]);
  if (!withRaw) {
    return { data: page.map(toEventSummary), nextCursor };
  }
  const ids = page.map((row) => row.id);
  const raws =
    ids.length === 0
      ? []
      : await queryBuilder(client)
          .select({ id: deliveryEvents.id, raw: deliveryEvents.raw })
          .from(deliveryEvents)
          .where(inArray(deliveryEvents.id, ids));
  const rawById = new Map(raws.map((row) => [row.id, row.raw]));
  return {
    data: page.map((row) => ({
      ...toEventSummary(row),
      raw: readJson(rawById.get(row.id) ?? null),
    })),
    nextCursor,
  };
}
