/** Wall-clock time in milliseconds with sub-millisecond resolution, comparable across processes. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Sorts a copy of the values in ascending order. */
function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The median; NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const list = sorted(values);
  const middle = Math.floor(list.length / 2);
  return list.length % 2 === 1
    ? (list[middle] as number)
    : ((list[middle - 1] as number) + (list[middle] as number)) / 2;
}

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const list = sorted(values);
  const rank = Math.min(list.length, Math.max(1, Math.ceil((p / 100) * list.length)));
  return list[rank - 1] as number;
}

/** p50, p99 and max of latency samples, in the samples' unit. */
export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  return {
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
    count: values.length,
  };
}

/** subject / baseline, NaN when either is missing. */
export function ratio(subject: number, baseline: number): number {
  return Number.isFinite(subject) && Number.isFinite(baseline) && baseline !== 0
    ? subject / baseline
    : Number.NaN;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
