import CircuitBreaker from "opossum";
import { isProviderError } from "../errors/provider-error";
import { type BreakerSettings, slowCallThresholdMs } from "./breaker-settings";
import { type ProviderStall, StallTracker } from "./stall-tracker";

/** A breaker's state as the API reports it. */
export type BreakerState = "closed" | "open" | "halfOpen";

/** A breaker state change, for logs and metrics. */
export interface BreakerTransition {
  provider: string;
  from: BreakerState;
  to: BreakerState;
  at: Date;
}

type Thunk = () => Promise<unknown>;

/** What the breakers need besides their settings. */
export interface ProviderBreakersOptions {
  /** The dispatch attempt deadline, from which the default slow-call threshold is derived. */
  attemptTimeoutMs: number;
  onTransition?: (transition: BreakerTransition) => void;
  /** Told when a provider is found stalled (with why) and when it is no longer (null). */
  onStall?: (provider: string, stall: ProviderStall | null) => void;
  /** Milliseconds since the epoch; injected by tests of the stall signal. */
  clock?: () => number;
}

/** One opossum breaker per provider account, created once and shared by every dispatch. */
export class ProviderBreakers {
  private readonly breakers = new Map<string, CircuitBreaker<[Thunk], unknown>>();
  private readonly misconfigured = new Map<string, { reason: string; since: string }>();
  private readonly history = new Map<string, BreakerTransition[]>();
  private readonly stalls: StallTracker;

  constructor(
    providerNames: readonly string[],
    settings: BreakerSettings,
    options: ProviderBreakersOptions,
  ) {
    const onTransition = options.onTransition ?? (() => {});
    this.stalls = new StallTracker(
      {
        slowCallMs: slowCallThresholdMs(settings, options.attemptTimeoutMs),
        slowCallCount: settings.slowCallCount,
      },
      options.clock,
      options.onStall,
    );
    for (const name of providerNames) {
      // Every call runs inside the stall tracker, so it sees exactly what the breaker lets through.
      const run = (call: Thunk) => this.stalls.track(name, call);
      const breaker = new CircuitBreaker<[Thunk], unknown>(run, {
        name,
        // The adapter's HTTP client owns the deadline: opossum's own timeout would leave the
        // request running and manufacture ambiguous outcomes.
        timeout: false,
        volumeThreshold: settings.volumeThreshold,
        errorThresholdPercentage: settings.errorThresholdPercentage,
        rollingCountTimeout: settings.rollingCountTimeoutMs,
        rollingCountBuckets: 10,
        resetTimeout: settings.resetTimeoutMs,
        rollingPercentilesEnabled: false,
        enableSnapshots: false,
        // A refused message or a rate limit says nothing about the provider's health.
        errorFilter: (error: unknown) =>
          isProviderError(error) &&
          (error.outcome === "permanent" || error.reason === "rate_limited"),
      });
      let state: BreakerState = "closed";
      const move = (to: BreakerState) => {
        if (to !== state) {
          const transition = { provider: name, from: state, to, at: new Date() };
          const recent = this.history.get(name) ?? [];
          recent.push(transition);
          // The last ten are enough to see a provider flapping.
          this.history.set(name, recent.slice(-10));
          onTransition(transition);
          state = to;
        }
      };
      breaker.on("open", () => move("open"));
      breaker.on("halfOpen", () => move("halfOpen"));
      breaker.on("close", () => {
        this.misconfigured.delete(name);
        move("closed");
      });
      this.breakers.set(name, breaker);
    }
  }

  /** The breaker's state; a provider without a breaker counts as closed. */
  state(provider: string): BreakerState {
    const breaker = this.breakers.get(provider);
    if (!breaker || breaker.closed) {
      return "closed";
    }
    return breaker.halfOpen ? "halfOpen" : "open";
  }

  /** True when the breaker will refuse a call right now. */
  isOpen(provider: string): boolean {
    return this.state(provider) === "open";
  }

  /**
   * Why new tries should skip the provider even while its breaker is closed (too many calls stuck
   * past the slow-call threshold), or null.
   */
  stall(provider: string): ProviderStall | null {
    return this.stalls.stall(provider);
  }

  /** How many of the provider's calls are in flight now. */
  inFlight(provider: string): number {
    return this.stalls.inFlight(provider);
  }

  /** Calls in flight past the slow-call threshold, over every provider. */
  countSlowCalls(): number {
    return this.stalls.countSlowCalls();
  }

  /** Runs a provider call through its breaker; rejects with code EOPENBREAKER when open. */
  fire<T>(provider: string, call: () => Promise<T>): Promise<T> {
    const breaker = this.breakers.get(provider);
    return breaker ? (breaker.fire(call) as Promise<T>) : this.stalls.track(provider, call);
  }

  /**
   * Opens a provider's breaker at once (it answered that this account is broken: bad
   * credentials, unverified sender); it half-opens after the reset timeout like any other.
   */
  trip(provider: string, reason: string, at: Date = new Date()): void {
    this.breakers.get(provider)?.open();
    this.misconfigured.set(provider, { reason, since: at.toISOString() });
  }

  /** Why the provider was marked misconfigured, until its breaker closes again. */
  misconfiguration(provider: string): { reason: string; since: string } | null {
    return this.misconfigured.get(provider) ?? null;
  }

  /** The provider's most recent breaker transitions, oldest first. */
  transitions(provider: string): readonly BreakerTransition[] {
    return this.history.get(provider) ?? [];
  }

  /** Stops every breaker's timers. */
  shutdown(): void {
    for (const breaker of this.breakers.values()) {
      breaker.shutdown();
    }
  }
}

/** True for opossum's "circuit open" rejection. */
export function isOpenBreakerError(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: string }).code === "EOPENBREAKER";
}
