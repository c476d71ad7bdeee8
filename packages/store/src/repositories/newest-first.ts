import { MailrouteError, type Page } from "@mailroute/core";
import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { decodeCursor, encodeCursor } from "../json";

/**
 * The condition of a newest-first page after `cursor`: rows strictly before the cursor's
 * (time, id), so equal times never skip or repeat a row. Undefined without a cursor; a cursor
 * this API did not hand out is a 400.
 */
export function beforeCursor(
  cursor: string | undefined,
  time: AnySQLiteColumn,
  id: AnySQLiteColumn,
): SQL | undefined {
  if (!cursor) {
    return undefined;
  }
  const [at, key] = decodeCursor(cursor) ?? [];
  if (typeof at !== "number" || typeof key !== "string") {
    throw new MailrouteError("VALIDATION_ERROR", "cursor is not one this API returned", {
      details: [{ path: "cursor", message: "is invalid" }],
    });
  }
  return or(lt(time, at), and(eq(time, at), lt(id, key)));
}

/**
 * Turns `limit + 1` rows into a page: the extra row only says that a next page exists, whose
 * cursor is the (time, id) of the page's last row.
 */
export function newestFirstPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => [number, string],
  toItem: (row: Row) => Item,
): Page<Item> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null,
  };
}
