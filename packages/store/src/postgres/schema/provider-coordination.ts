import {
  bigint,
  boolean,
  doublePrecision,
  integer,
  pgTable,
  primaryKey,
  text,
} from "drizzle-orm/pg-core";

/**
 * Provider state the instances on one database share (`coordination.ts`). PostgreSQL only: one
 * SQLite process has nobody to share with. Times are integer milliseconds, as everywhere.
 */

/** Each provider's breaker as the instances last told each other; the latest change wins. */
export const providerBreakers = pgTable("provider_breakers", {
  provider: text("provider").primaryKey(),
  state: text("state", { enum: ["open", "closed"] }).notNull(),
  reason: text("reason").notNull(),
  /** Opened by an answer that the account is broken (bad credentials), not by failures. */
  misconfigured: boolean("misconfigured").notNull(),
  changedAt: bigint("changed_at", { mode: "number" }).notNull(),
  /** When the opener lets its next probe through; null once closed. */
  openUntil: bigint("open_until", { mode: "number" }),
  /** The instance that made the change. */
  origin: text("origin").notNull(),
  /** Raised by every change, so each instance applies each change once. */
  version: integer("version").notNull(),
});

/** Stall marks: one row per provider and instance while that instance finds it stalled. */
export const providerStalls = pgTable(
  "provider_stalls",
  {
    provider: text("provider").notNull(),
    origin: text("origin").notNull(),
    detail: text("detail").notNull(),
    since: bigint("since", { mode: "number" }).notNull(),
    /** The mark counts until then at most, so a dead instance leaves none behind. */
    until: bigint("until", { mode: "number" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.provider, table.origin] })],
);

/** Each rate-limited provider's token bucket, taken from by every instance. */
export const providerRateBuckets = pgTable("provider_rate_buckets", {
  provider: text("provider").primaryKey(),
  tokens: doublePrecision("tokens").notNull(),
  updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
});

/** Accepted sends per provider and UTC day (`day`: its first millisecond), for daily quotas. */
export const providerDailyCounts = pgTable(
  "provider_daily_counts",
  {
    provider: text("provider").notNull(),
    day: bigint("day", { mode: "number" }).notNull(),
    count: integer("count").notNull(),
  },
  (table) => [primaryKey({ columns: [table.provider, table.day] })],
);
