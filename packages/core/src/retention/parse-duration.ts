const units = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** What a duration setting looks like: a whole number and one unit, `30d`, `12h`, `90m`, `45s`. */
export const durationPattern = /^([1-9][0-9]{0,5})([smhd])$/;

/** The milliseconds of a duration such as `30d`, `12h`, `90m` or `45s`; null when it is not one. */
export function parseDuration(value: string): number | null {
  const match = durationPattern.exec(value);
  if (!match?.[1] || !match[2]) {
    return null;
  }
  return Number(match[1]) * units[match[2] as keyof typeof units];
}
