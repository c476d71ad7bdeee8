import { type EmailEvent, type EventQuery, MailrouteError, type Page } from "@mailroute/core";
import { and, asc, eq, gt, inArray, type SQL } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../json";
import type { SqliteDatabase } from "../open-database";
import { deliveryEvents } from "../schema/index";
import { toEmailEvent } from "./event-rows";

/**
 * The event feed in commit order. The cursor is the event's sequence number, which SQLite
 * assigns inside the single writer's transaction, so a page never skips an event committed
 * before it and never repeats one. `nextCursor` is where to continue, also when the page is
 * empty, so a client can keep polling with it.
 */
export function listEvents(db: SqliteDatabase, query: EventQuery): Page<EmailEvent> {
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
  const rows = db
    .select()
    .from(deliveryEvents)
    .where(and(...conditions))
    .orderBy(asc(deliveryEvents.seq))
    .limit(query.limit)
    .all();
  const last = rows.at(-1);
  return { data: rows.map(toEmailEvent), nextCursor: encodeCursor([last ? last.seq : after]) };
}
