import { isProviderError } from "../errors/provider-error";

/** When calls count as stuck, and how many make a provider stalled. */
export interface StallSettings {
  slowCallMs: number;
  slowCallCount: number;
}

/** Why a provider is stalled: for the routing trace, the logs and `GET /v1/providers`. */
export interface ProviderStall {
  detail: string;
  since: Date;
}

interface ProviderCalls {
  /** When each call in flight started, by call number. */
  started: Map<number, number>;
  /** When the provider was found stalled, or null. */
  stalledAt: number | null;
}

/** A call that ended without any answer: the deadline (ours or the adapter's) cut it off. */
function isUnanswered(error: unknown): boolean {
  return isProviderError(error) && error.reason === "timeout";
}

/**
 * The "stalled provider" signal, after resilience4j's slow-call threshold. Opossum only learns of
 * a hang when the stuck calls reach their deadline, by which time every message sent meanwhile is
 * stuck too; this sees it while the calls are still in flight. A provider is stalled once
 * `slowCallCount` of its calls have been in flight longer than `slowCallMs`, and new tries skip it
 * until one of its calls ends with an answer (an acceptance or any error but a timeout), or until
 * none is in flight any more: by then the breaker has counted the timeouts, and it decides as
 * before (open, half-open probe, close). Calls already in flight keep their deadline.
 */
export class StallTracker {
  private readonly providers = new Map<string, ProviderCalls>();
  private nextCall = 0;

  constructor(
    private readonly settings: StallSettings,
    private readonly clock: () => number = Date.now,
    private readonly onChange: (provider: string, stall: ProviderStall | null) => void = () => {},
  ) {}

  /** Runs one call to the provider, recording it as in flight until it settles. */
  async track<T>(provider: string, call: () => Promise<T>): Promise<T> {
    const calls = this.callsOf(provider);
    const id = this.nextCall;
    this.nextCall += 1;
    calls.started.set(id, this.clock());
    let answered = true;
    try {
      return await call();
    } catch (error) {
      answered = !isUnanswered(error);
      throw error;
    } finally {
      calls.started.delete(id);
      if (calls.stalledAt !== null && (answered || calls.started.size === 0)) {
        calls.stalledAt = null;
        this.onChange(provider, null);
      }
    }
  }

  /** Why new tries should skip the provider now, or null. */
  stall(provider: string): ProviderStall | null {
    const calls = this.providers.get(provider);
    if (!calls) {
      return null;
    }
    const now = this.clock();
    if (calls.stalledAt === null) {
      if (this.countSlow(calls, now) < this.settings.slowCallCount) {
        return null;
      }
      calls.stalledAt = now;
      this.onChange(provider, this.describe(calls, now));
    }
    return this.describe(calls, now);
  }

  /** How many of the provider's calls are in flight now. */
  inFlight(provider: string): number {
    return this.providers.get(provider)?.started.size ?? 0;
  }

  /** Calls in flight for longer than the slow-call threshold, over every provider. */
  countSlowCalls(): number {
    const now = this.clock();
    let count = 0;
    for (const calls of this.providers.values()) {
      count += this.countSlow(calls, now);
    }
    return count;
  }

  private callsOf(provider: string): ProviderCalls {
    let calls = this.providers.get(provider);
    if (!calls) {
      calls = { started: new Map(), stalledAt: null };
      this.providers.set(provider, calls);
    }
    return calls;
  }

  private countSlow(calls: ProviderCalls, now: number): number {
    let count = 0;
    for (const startedAt of calls.started.values()) {
      if (now - startedAt > this.settings.slowCallMs) {
        count += 1;
      }
    }
    return count;
  }

  private describe(calls: ProviderCalls, now: number): ProviderStall {
    const count = calls.started.size;
    const oldest = Math.min(...calls.started.values());
    return {
      detail: `${count} ${count === 1 ? "call" : "calls"} in flight, the oldest for ${now - oldest} ms (slow-call threshold ${this.settings.slowCallMs} ms)`,
      since: new Date(calls.stalledAt ?? now),
    };
  }
}
