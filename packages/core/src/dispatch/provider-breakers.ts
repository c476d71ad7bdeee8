import CircuitBreaker from "opossum";
import { isProviderError } from "../errors/provider-error";
import { type BreakerSettings, slowCallThresholdMs } from "./breaker-settings";
import type { ProviderSignal, ProviderSignals } from "./provider-coordination";
import { type ProviderStall, StallTracker } from "./stall-tracker";

/** A breaker's state as the API reports it. */
export type BreakerState = "closed" | "open" | "halfOpen";

/** A breaker state change, for logs and metrics. */
export interface BreakerTransition {
  provider: string;
  from: BreakerState;
  to: BreakerState;
  at: Date;
  /** Why, for the operator; a change seen on another instance names that instance. */
  reason: string;
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
  /**
   * Shares openings, closings and stall marks with the other instances on the same database, and
   * applies theirs here; unset, the breakers are this process's alone.
   */
  signals?: ProviderSignals | undefined;
}

/** A stall mark another instance published, kept until it is cleared or runs out. */
interface RemoteStall {
  detail: string;
  since: number;
  until: number;
}

/**
 * One opossum breaker per provider account, created once and shared by every dispatch. With
 * `signals`, a breaker that opens or closes here opens or closes on every other instance too, and
 * a stall found here makes the others skip the provider; half-open probes stay per instance.
 */
export class ProviderBreakers {
  private readonly breakers = new Map<string, CircuitBreaker<[Thunk], unknown>>();
  private readonly misconfigured = new Map<string, { reason: string; since: string }>();
  private readonly history = new Map<string, BreakerTransition[]>();
  private readonly stalls: StallTracker;
  private readonly clock: () => number;
  private readonly signals: ProviderSignals | null;
  /** Stall marks of other instances: by provider, then by instance. */
  private readonly remoteStalls = new Map<string, Map<string, RemoteStall>>();
  private readonly unsubscribe: () => void;
  /** While a change from another instance is applied: the reason to record, and nothing to share. */
  private applying: string | null = null;

  constructor(
    providerNames: readonly string[],
    private readonly settings: BreakerSettings,
    options: ProviderBreakersOptions,
  ) {
    const onTransition = options.onTransition ?? (() => {});
    const clock = options.clock ?? Date.now;
    this.clock = clock;
    this.signals = options.signals ?? null;
    const { attemptTimeoutMs } = options;
    this.stalls = new StallTracker(
      {
        slowCallMs: slowCallThresholdMs(settings, attemptTimeoutMs),
        slowCallCount: settings.slowCallCount,
      },
      clock,
      (provider, stall) => {
        options.onStall?.(provider, stall);
        const now = clock();
        // The calls in flight now all end by their deadline, and the stall with them.
        this.signals?.publish({
          kind: "stall",
          provider,
          stall: stall
            ? { detail: stall.detail, since: stall.since.getTime(), until: now + attemptTimeoutMs }
            : null,
          at: now,
        });
      },
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
      const move = (to: BreakerState, reason: string) => {
        if (to !== state) {
          const transition = { provider: name, from: state, to, at: new Date(), reason };
          const recent = this.history.get(name) ?? [];
          recent.push(transition);
          // The last ten are enough to see a provider flapping.
          this.history.set(name, recent.slice(-10));
          onTransition(transition);
          state = to;
        }
      };
      breaker.on("open", () => {
        if (this.applying !== null) {
          move("open", this.applying);
          return;
        }
        const reason =
          this.misconfigured.get(name)?.reason ??
          `${breaker.stats.failures} of ${breaker.stats.fires} calls failed within ${settings.rollingCountTimeoutMs / 1000} s`;
        move("open", reason);
        this.share(name, "open", reason);
      });
      breaker.on("halfOpen", () =>
        move("halfOpen", `open for ${settings.resetTimeoutMs} ms; one probe call may go through`),
      );
      breaker.on("close", () => {
        this.misconfigured.delete(name);
        if (this.applying !== null) {
          move("closed", this.applying);
          return;
        }
        move("closed", "a probe call succeeded");
        this.share(name, "closed", "a probe call succeeded");
      });
      this.breakers.set(name, breaker);
    }
    this.unsubscribe = this.signals
      ? this.signals.subscribe((signal, origin) => this.receive(signal, origin))
      : () => {};
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
    return this.stalls.stall(provider) ?? this.remoteStall(provider);
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
    const breaker = this.breakers.get(provider);
    if (!breaker) {
      return;
    }
    const wasOpen = breaker.opened;
    this.misconfigured.set(provider, { reason, since: at.toISOString() });
    breaker.open();
    if (wasOpen) {
      // Opening an open breaker is no change, but the others should learn the reason.
      this.share(provider, "open", reason);
    }
  }

  /** Why the provider was marked misconfigured, until its breaker closes again. */
  misconfiguration(provider: string): { reason: string; since: string } | null {
    return this.misconfigured.get(provider) ?? null;
  }

  /** The provider's most recent breaker transitions, oldest first. */
  transitions(provider: string): readonly BreakerTransition[] {
    return this.history.get(provider) ?? [];
  }

  /** Stops every breaker's timers, and listening to the other instances. */
  shutdown(): void {
    this.unsubscribe();
    for (const breaker of this.breakers.values()) {
      breaker.shutdown();
    }
  }

  private share(provider: string, state: "open" | "closed", reason: string): void {
    if (!this.signals) {
      return;
    }
    const now = this.clock();
    this.signals.publish({
      kind: "breaker",
      provider,
      state,
      reason,
      misconfigured: this.misconfigured.has(provider),
      at: now,
      until: state === "open" ? now + this.settings.resetTimeoutMs : null,
    });
  }

  /** Applies what another instance saw: opens or closes the breaker here, or keeps its stall mark. */
  private receive(signal: ProviderSignal, origin: string): void {
    if (signal.kind === "stall") {
      const marks = this.remoteStalls.get(signal.provider) ?? new Map<string, RemoteStall>();
      if (signal.stall) {
        marks.set(origin, signal.stall);
      } else {
        marks.delete(origin);
      }
      this.remoteStalls.set(signal.provider, marks);
      return;
    }
    const breaker = this.breakers.get(signal.provider);
    // An opening whose reset timeout has passed is over: the instances probe on their own.
    if (!breaker || (signal.state === "open" && (signal.until ?? 0) <= this.clock())) {
      return;
    }
    this.applying = `${signal.reason} (on ${origin})`;
    try {
      if (signal.state === "open") {
        if (signal.misconfigured) {
          this.misconfigured.set(signal.provider, {
            reason: signal.reason,
            since: new Date(signal.at).toISOString(),
          });
        }
        breaker.open();
      } else {
        breaker.close();
      }
    } finally {
      this.applying = null;
    }
  }

  private remoteStall(provider: string): ProviderStall | null {
    const marks = this.remoteStalls.get(provider);
    if (!marks) {
      return null;
    }
    const now = this.clock();
    for (const [origin, mark] of marks) {
      if (mark.until <= now) {
        marks.delete(origin);
        continue;
      }
      return { detail: `${mark.detail} (on ${origin})`, since: new Date(mark.since) };
    }
    return null;
  }
}

/** True for opossum's "circuit open" rejection. */
export function isOpenBreakerError(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: string }).code === "EOPENBREAKER";
}
