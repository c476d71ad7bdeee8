import { MailrouteError } from "@mailroute/core";
import { type AnyColumn, and, eq, lt, or, type SQL } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../json";
import { withinBudget } from "./page-budget";

/**
 * The condition of a newest-first page after `cursor`: rows strictly before the cursor's
 * (time, id), so equal times never skip or repeat a row. Undefined without a cursor; a cursor
 * this API did not hand out is a 400.
 */
export function beforeCursor(
  cursor: string | undefined,
  time: AnyColumn,
  id: AnyColumn,
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
 * Turns `limit + 1` rows into a page: the extra row only says that a next page exists. The page
 * also stops early when its rows pass the byte budget (see `pageBudgetBytes`); either way the
 * next page's cursor is the (time, id) of the page's last row.
 */
export function newestFirstPage<Row>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => [number, string],
  bytesOf: (row: Row) => number,
): { rows: Row[]; nextCursor: string | null } {
  const page = withinBudget(rows.slice(0, limit), bytesOf);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > page.length && last ? encodeCursor(keyOf(last)) : null,
  };
}
