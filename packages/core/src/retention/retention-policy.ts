import { z } from "zod";
import type { MessageStatus } from "../status/message-status";
import { parseDuration } from "./parse-duration";

/** A retention period: a duration such as `30d` or `12h`, or `never` to keep that part for good. */
const retentionPeriodSchema = z
  .string()
  .refine(
    (value) => value === "never" || parseDuration(value) !== null,
    "must be a duration such as 30d, 12h, 90m or 45s, or never",
  );

/**
 * How long mailroute keeps what it stores (the `retention` section of the configuration). Each
 * period counts from when the thing was stored: a message from its accept, a provider event from
 * its arrival.
 */
export const retentionSettingsSchema = z
  .object({
    /** Bodies (text, html) and attachment contents of finished messages, and captured copies. */
    content: retentionPeriodSchema.default("30d"),
    /** The untouched provider payload (`raw`) of each stored provider event. */
    raw: retentionPeriodSchema.default("7d"),
    /**
     * Whole records of finished messages (recipients, attempts, events), events that matched no
     * message, finished outbound webhook deliveries and expired idempotency keys.
     */
    records: retentionPeriodSchema.default("90d"),
    /** How long the retention worker sleeps once nothing more is due. */
    interval: z
      .string()
      .refine((value) => parseDuration(value) !== null, "must be a duration such as 1h, 10m or 30s")
      .default("1h"),
    /** Rows one purge batch touches at most: the bound on how long it holds the writer. */
    batchSize: z.number().int().min(1).max(10_000).default(100),
  })
  .strict();

/** The `retention` settings with defaults applied. */
export type RetentionSettings = z.output<typeof retentionSettingsSchema>;

/** What one purge may remove: what was stored before each time (null: keep that part for good). */
export interface RetentionCutoffs {
  contentBefore: Date | null;
  rawBefore: Date | null;
  recordsBefore: Date | null;
}

function cutoff(period: string, now: Date): Date | null {
  const ms = period === "never" ? null : parseDuration(period);
  return ms === null ? null : new Date(now.getTime() - ms);
}

/** The cutoffs of a purge run at `now`. */
export function retentionCutoffs(settings: RetentionSettings, now: Date): RetentionCutoffs {
  return {
    contentBefore: cutoff(settings.content, now),
    rawBefore: cutoff(settings.raw, now),
    recordsBefore: cutoff(settings.records, now),
  };
}

/** How long the worker sleeps between runs, in milliseconds. */
export function retentionIntervalMs(settings: RetentionSettings): number {
  return parseDuration(settings.interval) ?? 3_600_000;
}

/**
 * Statuses of messages still being worked on: dispatch may yet read their content, so neither
 * their content nor their records are ever purged, however old they are. A message with a
 * dispatch job is kept too, whatever its status says.
 */
export const unfinishedStatuses = [
  "queued",
  "scheduled",
  "sending",
  "held",
] as const satisfies readonly MessageStatus[];

/** True when retention may purge a message in this status (and without a job). */
export function isFinishedForRetention(status: MessageStatus): boolean {
  return !(unfinishedStatuses as readonly MessageStatus[]).includes(status);
}
