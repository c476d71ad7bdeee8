/** One printed row: column name → value. Numbers are formatted by {@link formatNumber}. */
export type Row = Record<string, string | number>;

/** What every scenario's `run(options)` returns. */
export interface ScenarioResult {
  name: string;
  title: string;
  rows: Row[];
  /** One or more lines for the closing summary table: a label and its key figure. */
  summary: { figure: string; value: string }[];
  notes: string[];
}

/** Rounds a number for a table: 3 significant figures below 100, integers above. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return "-";
  }
  const magnitude = Math.abs(value);
  if (magnitude >= 100 || Number.isInteger(value)) {
    return Math.round(value).toLocaleString("en-US");
  }
  if (magnitude >= 10) {
    return value.toFixed(1);
  }
  if (magnitude >= 1) {
    return value.toFixed(2);
  }
  return value.toFixed(3);
}

/** `0.42×`, or `-` when the ratio is unknown. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : "-";
}

/** Numbers in a column whose name contains "ratio" print as `0.42×`. */
function cell(column: string, value: string | number | undefined): string {
  if (value === undefined) {
    return "";
  }
  if (typeof value === "string") {
    return value;
  }
  return column.includes("ratio") ? formatRatio(value) : formatNumber(value);
}

/** Renders rows as an aligned text table under a title. */
export function renderTable(title: string, rows: readonly Row[]): string {
  const columns: string[] = [];
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!columns.includes(key)) {
        columns.push(key);
      }
    }
  }
  const cells = rows.map((row) => columns.map((column) => cell(column, row[column])));
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...cells.map((line) => (line[index] ?? "").length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => {
        const width = widths[index] ?? 0;
        // Text left, figures right.
        return index === 0 ? value.padEnd(width) : value.padStart(width);
      })
      .join("  ");
  return [
    title,
    line(columns),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...cells.map(line),
  ].join("\n");
}

/** Prints a scenario's table and notes as soon as it is done. */
export function printScenario(result: ScenarioResult): void {
  console.log(`\n${renderTable(`== ${result.title}`, result.rows)}`);
  for (const note of result.notes) {
    console.log(`  note: ${note}`);
  }
}
