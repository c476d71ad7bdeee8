const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/**
 * The delay before each delivery attempt, 1-based, as Svix retries: attempt 1 at once, then 5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (27.6 h; the Standard Webhooks spec's example goes on).
 */
export const webhookRetryScheduleMs: readonly number[] = [
  0,
  5 * second,
  5 * minute,
  30 * minute,
  2 * hour,
  5 * hour,
  10 * hour,
  10 * hour,
];

/** How long an endpoint may fail continuously before it is disabled and flagged (Svix: 5 days). */
export const endpointFailureLimitMs = 5 * day;

// Spread retries of many deliveries that failed together (an endpoint outage) by ±20%.
const jitterFraction = 0.2;
// A receiver's Retry-After may postpone a retry, but not park the delivery for longer than this.
const maxRetryAfterMs = day;

/**
 * The delay in ms before delivery attempt `attempt` (1-based), jittered by ±20%, never shorter
 * than the receiver's Retry-After (capped at a day); null once the schedule is exhausted.
 */
export function computeWebhookRetryDelay(options: {
  attempt: number;
  retryAfterMs?: number | null | undefined;
  /** A source of numbers in [0, 1); Math.random by default, a fixed function in tests. */
  random?: () => number;
  /** Delays to use instead of the standard schedule (tests and impatient deployments). */
  schedule?: readonly number[] | undefined;
}): number | null {
  const { attempt } = options;
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a whole number from 1, got ${attempt}`);
  }
  const scheduled = (options.schedule ?? webhookRetryScheduleMs)[attempt - 1];
  if (scheduled === undefined) {
    return null;
  }
  const random = options.random ?? Math.random;
  const jittered = Math.round(scheduled * (1 + jitterFraction * (2 * random() - 1)));
  const retryAfterMs = Math.min(Math.max(options.retryAfterMs ?? 0, 0), maxRetryAfterMs);
  return Math.max(jittered, retryAfterMs);
}

/** Whether an endpoint failing every delivery since `firstFailureAt` (epoch ms) must be disabled. */
export function shouldDisableEndpoint(options: {
  /** When the current run of failures began; null when the last delivery succeeded. */
  firstFailureAt: number | null;
  now: number;
}): boolean {
  if (options.firstFailureAt === null) {
    return false;
  }
  return options.now - options.firstFailureAt >= endpointFailureLimitMs;
}
