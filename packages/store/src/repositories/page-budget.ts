import { countWithinBudget } from "@mailroute/core";
import { type AnyColumn, type SQL, sql } from "drizzle-orm";

/**
 * About how many bytes a row's columns take as JSON, computed by the database (SQLite or
 * PostgreSQL): `octet_length` reads only a value's stored length, never the value, so a page can
 * be measured before a large column is read. `overhead` covers the field names, quotes and short
 * fields of one item.
 */
export function jsonBytes(overhead: number, ...columns: AnyColumn[]): SQL<number> {
  const lengths = columns.map((column) => sql`coalesce(octet_length(${column}), 4)`);
  return sql<number>`${overhead} + ${sql.join(lengths, sql` + `)}`;
}

/** The first rows of `rows` that fit in one page's byte budget (at least one). */
export function withinBudget<Row>(rows: Row[], bytesOf: (row: Row) => number): Row[] {
  return rows.slice(0, countWithinBudget(rows.map(bytesOf)));
}
