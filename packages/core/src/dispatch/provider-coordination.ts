/**
 * Provider state that several mailroute instances on one database share: breaker openings and
 * closings, stall marks, and the counts behind rate limits and daily quotas. One process alone
 * shares nothing, and `inProcessCoordination` says so; the PostgreSQL store provides the shared
 * implementation (`createPostgresCoordination`).
 */

/**
 * A breaker that opened or closed on one instance. Half-open is not shared: each instance lets its
 * own probe through once its reset timeout has passed, and an instance that sees a breaker close
 * elsewhere closes its own.
 */
export interface SharedBreakerChange {
  kind: "breaker";
  provider: string;
  state: "open" | "closed";
  /** Why, as the operator reads it: the failures that opened it, the answer that tripped it. */
  reason: string;
  /** True when an answer said the account is broken (bad credentials, unverified sender). */
  misconfigured: boolean;
  /** Milliseconds since the epoch. */
  at: number;
  /** When an open breaker lets its next probe through on the instance that opened it. */
  until: number | null;
}

/** A stall mark (see `StallTracker`) set or cleared on one instance. */
export interface SharedStallMark {
  kind: "stall";
  provider: string;
  /**
   * The stall, or null once it is over. `until` bounds it, so an instance that dies while a
   * provider is stalled does not leave the mark behind for ever.
   */
  stall: { detail: string; since: number; until: number } | null;
  /** Milliseconds since the epoch. */
  at: number;
}

/** What one instance tells the others about a provider. */
export type ProviderSignal = SharedBreakerChange | SharedStallMark;

/** Told of every signal another instance published; `origin` names that instance. */
export type ProviderSignalListener = (signal: ProviderSignal, origin: string) => void;

/** Where an instance's breaker and stall changes go, and the other instances' come from. */
export interface ProviderSignals {
  /**
   * Tells the other instances. Never throws and returns at once: an implementation that cannot
   * reach the others reports it through its own error hook and keeps trying.
   */
  publish(signal: ProviderSignal): void;
  /** Calls the listener with every signal another instance publishes; returns the unsubscribe. */
  subscribe(listener: ProviderSignalListener): () => void;
}

/** A token bucket: `ratePerSecond` sustained, bursts up to `burst`. */
export interface TokenBucket {
  ratePerSecond: number;
  burst: number;
}

/** One admission: the provider's limits and the moment. */
export interface SharedAdmissionRequest {
  provider: string;
  /** Start of the current UTC day, milliseconds since the epoch: the quota's window. */
  day: number;
  /** Accepted sends allowed today; the token is taken only while the count is below it. */
  dailyQuota?: number | undefined;
  /** The rate limit, or undefined when the provider has none. */
  bucket?: TokenBucket | undefined;
  /** Milliseconds since the epoch. */
  now: number;
}

/** What the shared counts said to one admission. */
export interface SharedAdmission {
  /** Accepted sends counted today over every instance. */
  dailyCount: number;
  /** True when a token was taken (always, for a provider without a rate limit, under quota). */
  taken: boolean;
  /** Tokens left in the shared bucket after this admission, or null without a rate limit. */
  tokens: number | null;
}

/**
 * Rate-limit tokens and daily quota counts shared by every instance: one bucket per provider and
 * one count per provider and UTC day, whichever instance takes or counts.
 */
export interface SharedCounts {
  /** Checks the daily quota and, under it, takes one token from the rate limit, in one step. */
  admit(request: SharedAdmissionRequest): Promise<SharedAdmission>;
  /** Reads the day's count and the refilled bucket without taking anything (`taken` is false). */
  peek(request: SharedAdmissionRequest): Promise<SharedAdmission>;
  /** Counts one accepted send for the day; the new total. */
  countAccepted(provider: string, day: number): Promise<number>;
  /**
   * Raises the day's count to at least `count` (the store's tally of accepted attempts, read at
   * start-up); the count in force afterwards.
   */
  seedDailyCount(provider: string, day: number, count: number): Promise<number>;
}

/** State shared between instances: signals for breakers and stalls, counts for limits. */
export interface ProviderCoordination {
  readonly signals: ProviderSignals;
  /** Null when this process alone counts, in memory, as `ProviderLimiter` does by itself. */
  readonly counts: SharedCounts | null;
  /** Stops listening and polling; what was published stays for the others. */
  close(): Promise<void>;
}

const noSignals: ProviderSignals = {
  publish: () => {},
  subscribe: () => () => {},
};

/**
 * One process on its own: nothing to tell, nobody to hear from, counts in memory. Breakers and
 * limiter behave exactly as they do without any coordination.
 */
export const inProcessCoordination: ProviderCoordination = {
  signals: noSignals,
  counts: null,
  close: () => Promise.resolve(),
};
