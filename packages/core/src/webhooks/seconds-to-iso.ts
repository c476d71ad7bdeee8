/**
 * Unix seconds, a number or decimal text with any fraction, as ISO 8601 with milliseconds. The
 * fraction is truncated digit by digit, so `1.0019` is `.001` and floating point adds no error.
 * Throws a `RangeError` for a value that is no time at all, so validate it first.
 */
export function secondsToIso(value: number | string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(String(value));
  const milliseconds = match
    ? Number(match[1]) * 1000 + Number((match[2] ?? "").padEnd(3, "0").slice(0, 3))
    : Math.floor(Number(value) * 1000);
  return new Date(milliseconds).toISOString();
}
