import type {
  BreakerState,
  EmailProvider,
  MailStore,
  ProviderBreakers,
  ProviderCapabilities,
  ProviderLimiter,
} from "@mailroute/core";

// The window of the recent attempt counts.
const windowMs = 60 * 60 * 1000;

/** One configured provider as an operator sees it now. */
export interface ProviderView {
  name: string;
  type: string;
  breaker: BreakerState;
  /** Set when the provider answered that this account is broken; cleared when its breaker closes. */
  misconfigured: { reason: string; since: string } | null;
  /** Set while new tries skip the provider because its calls hang. */
  stalled: { detail: string; since: string } | null;
  /** Calls to the provider in flight now. */
  inFlight: number;
  /** The breaker's last transitions, oldest first. */
  transitions: { from: string; to: string; at: string; reason: string }[];
  /** Why it would be skipped right now (rate limit or daily quota), or null. */
  limited: { reason: string; detail: string } | null;
  capabilities: ProviderCapabilities;
  recent: {
    window: string;
    attempts: number;
    accepted: number;
    retryable: number;
    permanent: number;
    ambiguous: number;
    avgLatencyMs: number | null;
  };
}

/** The configured providers and their health. */
export interface ProvidersService {
  /** Every provider: breaker, stall, calls in flight, limits, capabilities and the last hour. */
  list(): Promise<ProviderView[]>;
}

/** Builds the providers service over the providers, their guards and the attempt log. */
export function createProvidersService(dependencies: {
  store: Pick<MailStore, "providerStats">;
  providers: ReadonlyMap<string, EmailProvider>;
  breakers: ProviderBreakers;
  limiter: ProviderLimiter;
}): ProvidersService {
  const { store, providers, breakers, limiter } = dependencies;
  return {
    async list() {
      const stats = new Map(
        (await store.providerStats(new Date(Date.now() - windowMs))).map((row) => [
          row.provider,
          row,
        ]),
      );
      // Read from the counts every instance shares, when there are some.
      const limits = await Promise.all([...providers.keys()].map((name) => limiter.inspect(name)));
      return [...providers.values()].map((provider, index) => {
        const row = stats.get(provider.name);
        const breaker = breakers.state(provider.name);
        const misconfigured = breakers.misconfiguration(provider.name);
        const stall = breakers.stall(provider.name);
        const inFlight = breakers.inFlight(provider.name);
        const transitions = breakers.transitions(provider.name);
        const limited = limits[index] ?? null;
        return {
          name: provider.name,
          type: provider.type,
          breaker,
          misconfigured,
          stalled: stall ? { detail: stall.detail, since: stall.since.toISOString() } : null,
          inFlight,
          transitions: transitions.map((transition) => ({
            from: transition.from,
            to: transition.to,
            at: transition.at.toISOString(),
            reason: transition.reason,
          })),
          limited: limited ? { reason: limited.reason, detail: limited.detail } : null,
          capabilities: { ...provider.capabilities },
          recent: {
            window: "1h",
            attempts: row?.attempts ?? 0,
            accepted: row?.accepted ?? 0,
            retryable: row?.retryable ?? 0,
            permanent: row?.permanent ?? 0,
            ambiguous: row?.ambiguous ?? 0,
            avgLatencyMs: row?.avgLatencyMs ?? null,
          },
        };
      });
    },
  };
}
