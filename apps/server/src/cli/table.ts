/** One column of a table: its header and how a row's cell is read. */
export interface Column<Row> {
  header: string;
  value: (row: Row) => unknown;
  /** The widest a cell may be before it is cut with `…` (40 by default). */
  max?: number;
}

/** A cell as text: empty for null, ISO dates as they are, lists joined with commas. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) {
    return "";
  }
  if (Array.isArray(value)) {
    return value.map(cellText).join(",");
  }
  if (typeof value === "object") {
    return JSON.stringify(value);
  }
  return String(value).replace(/\s+/g, " ");
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

/**
 * Rows as a text table: a header row, then one line per row, columns padded to their widest
 * cell and separated by two spaces, each cell cut at its column's `max`. No trailing spaces.
 */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => truncate(cellText(column.value(row)), column.max ?? 40)),
  );
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => line[index]?.length ?? 0)),
  );
  const line = (texts: readonly string[]) =>
    texts
      .map((text, index) => text.padEnd(widths[index] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(columns.map((column) => column.header.toUpperCase())), ...cells.map(line)].join(
    "\n",
  );
}
