import { hostname } from "node:os";
import type {
  ProviderCoordination,
  ProviderSignal,
  ProviderSignalListener,
  SharedAdmission,
  SharedAdmissionRequest,
  SharedBreakerChange,
  SharedCounts,
  SharedStallMark,
} from "@mailroute/core";
import pg from "pg";

/**
 * Provider state shared by the mailroute instances on one PostgreSQL database.
 *
 * Breakers and stall marks: each change is a row (`provider_breakers`, one per provider, the latest
 * change wins; `provider_stalls`, one per provider and instance) written with a NOTIFY in the
 * same statement. Every instance LISTENs on a connection of its own and reads the rows as soon as
 * a notification arrives, and in any case every `pollIntervalMs` (1 s), so a change reaches the
 * others within a second even while the LISTEN connection is down. The rows, not the
 * notifications, are the state: a notification only says "read now".
 *
 * Rate limits and daily quotas: one token bucket row per provider and one count row per provider
 * and UTC day, changed by single atomic statements (`insert … on conflict do update … returning`).
 * Every admission is one round trip. Measured on this project's machine (PostgreSQL 15, local,
 * otherwise idle), the token-bucket upsert took about 0.55 ms at one in flight and sustained about
 * 3,000 per second on one provider's row from two pools at 32 in flight (with a durable commit:
 * 1.1 ms and 470 per second, hence the asynchronous commit below). That is far below the cost of
 * the provider call it admits and far above any provider's own rate limit, so reserving token batches per
 * instance (which parks tokens on an idle instance and makes the limit approximate) buys nothing
 * worth having. Redis at the same place measures about 0.04 ms, but would be a second service to
 * run, back up and secure for a saving no send notices.
 *
 * The counting statements commit with `synchronous_commit` off for their own transaction only
 * (`set_config(…, true)` inside the statement): they do not wait for a WAL flush, which halves
 * their latency and keeps them from competing with the store's durable commits. A database crash
 * may forget the last fraction of a second of counts; the daily counts are re-seeded from the
 * stored attempts at every start-up, and a rate-limit bucket refills within a second anyway.
 */

/** The channel changes are announced on; the payload is the announcing instance. */
const channel = "mailroute_provider_state";

const upsertBreakerSql = `with changed as (
  insert into provider_breakers as b
    (provider, state, reason, misconfigured, changed_at, open_until, origin, version)
  values ($1, $2, $3, $4, $5, $6, $7, 1)
  on conflict (provider) do update set
    state = excluded.state, reason = excluded.reason, misconfigured = excluded.misconfigured,
    changed_at = excluded.changed_at, open_until = excluded.open_until, origin = excluded.origin,
    version = b.version + 1
  returning 1
)
select pg_notify('${channel}', $7) from changed`;

const upsertStallSql = `with changed as (
  insert into provider_stalls (provider, origin, detail, since, until)
  values ($1, $2, $3, $4, $5)
  on conflict (provider, origin) do update set
    detail = excluded.detail, since = excluded.since, until = excluded.until
  returning 1
)
select pg_notify('${channel}', $2) from changed`;

const deleteStallSql = `with changed as (
  delete from provider_stalls where provider = $1 and origin = $2 returning 1
)
select pg_notify('${channel}', $2) from changed`;

// Cast to float8 so the numbers come back as numbers from any pool.
const readBreakersSql = `select provider, state, reason, misconfigured, changed_at::float8 as changed_at,
  open_until::float8 as open_until, origin, version from provider_breakers`;

const readStallsSql = `select provider, origin, detail, since::float8 as since, until::float8 as until
from provider_stalls where until > $1`;

// $1 provider, $2 day, $3 rate per second (null: no rate limit), $4 burst, $5 daily quota (null:
// none), $6 now. The quota is read first; under it, one token is taken when the refilled bucket
// holds one. The last column is the refilled bucket when none was taken, for the wait.
const admitSql = `with async_commit as (select set_config('synchronous_commit', 'off', true)),
used as (
  select coalesce(
    (select count from provider_daily_counts where provider = $1 and day = $2), 0
  )::int as count
),
taken as (
  insert into provider_rate_buckets as b (provider, tokens, updated_at)
  select $1, $4::float8 - 1, $6::bigint from used, async_commit
  where $3::float8 is not null and ($5::int is null or used.count < $5::int)
  on conflict (provider) do update set
    tokens = least($4::float8, b.tokens + greatest(0, $6::bigint - b.updated_at) / 1000.0 * $3::float8) - 1,
    updated_at = greatest(b.updated_at, $6::bigint)
  where least($4::float8, b.tokens + greatest(0, $6::bigint - b.updated_at) / 1000.0 * $3::float8) >= 1
  returning tokens
)
select used.count,
  (select tokens from taken) as taken_tokens,
  (select least($4::float8, tokens + greatest(0, $6::bigint - updated_at) / 1000.0 * $3::float8)
     from provider_rate_buckets where provider = $1) as tokens
from used`;

// $1 provider, $2 day, $3 rate per second (null: no rate limit), $4 burst, $5 now.
const peekSql = `select
  coalesce((select count from provider_daily_counts where provider = $1 and day = $2), 0)::int as count,
  (select least($4::float8, tokens + greatest(0, $5::bigint - updated_at) / 1000.0 * $3::float8)
     from provider_rate_buckets where provider = $1) as tokens`;

const countAcceptedSql = `insert into provider_daily_counts as d (provider, day, count)
select $1, $2, 1 from (select set_config('synchronous_commit', 'off', true)) as async_commit
on conflict (provider, day) do update set count = d.count + 1
returning count`;

const seedDailyCountSql = `insert into provider_daily_counts as d (provider, day, count)
values ($1, $2, $3)
on conflict (provider, day) do update set count = greatest(d.count, excluded.count)
returning count`;

/** What the PostgreSQL coordination is built from. */
export interface PostgresCoordinationOptions {
  /** The store's pool (`PostgresStore.pool`); LISTEN runs on one more connection of its own. */
  pool: pg.Pool;
  /** Names this instance in the others' reasons and logs; `<host>:<pid>` unless given. */
  instanceId?: string | undefined;
  /** How often the shared state is read when no notification came; 1000 ms unless given. */
  pollIntervalMs?: number | undefined;
  /** Told of every failed read, write or LISTEN connection; each is tried again. */
  onError?: ((error: unknown) => void) | undefined;
  /** Milliseconds since the epoch; injected by tests. */
  clock?: (() => number) | undefined;
}

/** The PostgreSQL coordination, with what its tests and the server's shutdown use. */
export interface PostgresCoordination extends ProviderCoordination {
  readonly instanceId: string;
  readonly counts: SharedCounts;
  /** Reads the shared state now and tells the listeners what changed. */
  refresh(): Promise<void>;
  /** Resolves once every signal published so far was written, or failed to be. */
  flushed(): Promise<void>;
}

interface BreakerRow {
  provider: string;
  state: "open" | "closed";
  reason: string;
  misconfigured: boolean;
  changed_at: number;
  open_until: number | null;
  origin: string;
  version: number;
}

interface StallRow {
  provider: string;
  origin: string;
  detail: string;
  since: number;
  until: number;
}

function signalKey(signal: ProviderSignal): string {
  return `${signal.kind}\u0000${signal.provider}`;
}

/**
 * Shares breakers, stall marks, rate limits and daily quotas through the store's PostgreSQL
 * database (see the top of this file). Reads the shared state once before it resolves, so an
 * instance that starts while a breaker is open elsewhere opens its own at once.
 */
export async function createPostgresCoordination(
  options: PostgresCoordinationOptions,
): Promise<PostgresCoordination> {
  const { pool } = options;
  const instanceId = options.instanceId ?? `${hostname()}:${process.pid}`;
  const clock = options.clock ?? Date.now;
  const onError = options.onError ?? (() => {});
  const listeners = new Set<ProviderSignalListener>();
  /** The last breaker version seen per provider, whoever wrote it. */
  const versions = new Map<string, number>();
  /** The other instances' latest breaker changes, replayed to a listener that subscribes late. */
  const breakers = new Map<string, { signal: SharedBreakerChange; origin: string }>();
  /** The other instances' stall marks in force, by provider and instance. */
  const stalls = new Map<string, StallRow>();
  /** Signals not yet written: the latest per breaker or stall of a provider, oldest first. */
  const pending = new Map<string, ProviderSignal>();
  let writing: Promise<void> = Promise.resolve();
  let reading: Promise<void> | null = null;
  let readAgain = false;
  let closed = false;
  let listen: pg.Client | null = null;
  let connecting = false;

  const tell = (signal: ProviderSignal, origin: string) => {
    for (const listener of listeners) {
      listener(signal, origin);
    }
  };

  const write = async (signal: ProviderSignal) => {
    if (signal.kind === "breaker") {
      await pool.query({
        name: "coordination-upsert-breaker",
        text: upsertBreakerSql,
        values: [
          signal.provider,
          signal.state,
          signal.reason,
          signal.misconfigured,
          Math.round(signal.at),
          signal.until === null ? null : Math.round(signal.until),
          instanceId,
        ],
      });
    } else if (signal.stall) {
      await pool.query({
        name: "coordination-upsert-stall",
        text: upsertStallSql,
        values: [
          signal.provider,
          instanceId,
          signal.stall.detail,
          Math.round(signal.stall.since),
          Math.round(signal.stall.until),
        ],
      });
    } else {
      await pool.query({
        name: "coordination-delete-stall",
        text: deleteStallSql,
        values: [signal.provider, instanceId],
      });
    }
  };

  /** Writes what is pending, in order; stops at a failure and leaves the rest for the next tick. */
  const flush = (): Promise<void> => {
    writing = writing.then(async () => {
      for (const [key, signal] of pending) {
        try {
          await write(signal);
        } catch (error) {
          onError(error);
          return;
        }
        // A newer signal for the same key may have replaced it meanwhile; that one stays.
        if (pending.get(key) === signal) {
          pending.delete(key);
        }
      }
    });
    return writing;
  };

  const applyBreakers = (rows: BreakerRow[]) => {
    for (const row of rows) {
      if (versions.get(row.provider) === row.version) {
        continue;
      }
      versions.set(row.provider, row.version);
      if (row.origin === instanceId) {
        breakers.delete(row.provider);
        continue;
      }
      const signal: SharedBreakerChange = {
        kind: "breaker",
        provider: row.provider,
        state: row.state,
        reason: row.reason,
        misconfigured: row.misconfigured,
        at: row.changed_at,
        until: row.open_until,
      };
      breakers.set(row.provider, { signal, origin: row.origin });
      tell(signal, row.origin);
    }
  };

  const applyStalls = (rows: StallRow[]) => {
    const seen = new Set<string>();
    for (const row of rows) {
      if (row.origin === instanceId) {
        continue;
      }
      const key = `${row.provider}\u0000${row.origin}`;
      seen.add(key);
      const known = stalls.get(key);
      if (known && known.detail === row.detail && known.until === row.until) {
        continue;
      }
      stalls.set(key, row);
      tell(
        {
          kind: "stall",
          provider: row.provider,
          stall: { detail: row.detail, since: row.since, until: row.until },
          at: clock(),
        },
        row.origin,
      );
    }
    for (const [key, row] of stalls) {
      if (!seen.has(key)) {
        stalls.delete(key);
        tell({ kind: "stall", provider: row.provider, stall: null, at: clock() }, row.origin);
      }
    }
  };

  const readOnce = async () => {
    const [breakerRows, stallRows] = await Promise.all([
      pool.query<BreakerRow>({ name: "coordination-read-breakers", text: readBreakersSql }),
      pool.query<StallRow>({
        name: "coordination-read-stalls",
        text: readStallsSql,
        values: [Math.round(clock())],
      }),
    ]);
    applyBreakers(breakerRows.rows);
    applyStalls(stallRows.rows);
  };

  /** Reads now; a read asked for while one runs makes one more afterwards, not one each. */
  const refresh = (): Promise<void> => {
    if (reading) {
      readAgain = true;
      return reading;
    }
    reading = (async () => {
      try {
        do {
          readAgain = false;
          await readOnce();
        } while (readAgain && !closed);
      } finally {
        reading = null;
      }
    })();
    return reading;
  };

  const startListening = async () => {
    if (listen || connecting || closed) {
      return;
    }
    connecting = true;
    const client = new pg.Client({
      ...(pool.options as pg.ClientConfig),
      application_name: "mailroute provider state",
    });
    let dropped = false;
    const drop = (error: unknown) => {
      if (dropped) {
        return;
      }
      dropped = true;
      if (listen === client) {
        listen = null;
      }
      client.removeAllListeners("notification");
      void client.end().catch(() => undefined);
      if (!closed) {
        onError(error);
      }
    };
    client.on("error", drop);
    client.on("notification", (message) => {
      if (message.payload !== instanceId) {
        refresh().catch(onError);
      }
    });
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
      if (closed) {
        await client.end();
        return;
      }
      client.on("end", () => drop(new Error("the provider-state LISTEN connection closed")));
      listen = client;
      // Changes made while it was not listening arrive with this read.
      refresh().catch(onError);
    } catch (error) {
      drop(error);
    } finally {
      connecting = false;
    }
  };

  const tick = () => {
    if (closed) {
      return;
    }
    void startListening();
    if (pending.size > 0) {
      void flush();
    }
    refresh().catch(onError);
  };

  const now = clock();
  // Old rows are of no use to anyone: yesterday's counts and long-expired stall marks.
  await pool.query("delete from provider_daily_counts where day < $1", [now - 7 * 86_400_000]);
  await pool.query("delete from provider_stalls where until < $1", [now - 3_600_000]);
  await refresh();
  await startListening();
  const timer = setInterval(tick, options.pollIntervalMs ?? 1000);
  timer.unref();

  const counts: SharedCounts = {
    async admit(request: SharedAdmissionRequest): Promise<SharedAdmission> {
      const { bucket } = request;
      const result = await pool.query<{
        count: number;
        taken_tokens: number | null;
        tokens: number | null;
      }>({
        name: "coordination-admit",
        text: admitSql,
        values: [
          request.provider,
          request.day,
          bucket?.ratePerSecond ?? null,
          bucket?.burst ?? null,
          request.dailyQuota ?? null,
          Math.round(request.now),
        ],
      });
      const row = result.rows[0];
      const dailyCount = row?.count ?? 0;
      if (!bucket) {
        const taken = request.dailyQuota === undefined || dailyCount < request.dailyQuota;
        return { dailyCount, taken, tokens: null };
      }
      const takenTokens = row?.taken_tokens ?? null;
      if (takenTokens !== null) {
        return { dailyCount, taken: true, tokens: takenTokens };
      }
      return { dailyCount, taken: false, tokens: row?.tokens ?? bucket.burst };
    },
    async peek(request: SharedAdmissionRequest): Promise<SharedAdmission> {
      const { bucket } = request;
      const result = await pool.query<{ count: number; tokens: number | null }>({
        name: "coordination-peek",
        text: peekSql,
        values: [
          request.provider,
          request.day,
          bucket?.ratePerSecond ?? null,
          bucket?.burst ?? null,
          Math.round(request.now),
        ],
      });
      const row = result.rows[0];
      return {
        dailyCount: row?.count ?? 0,
        taken: false,
        tokens: bucket ? (row?.tokens ?? bucket.burst) : null,
      };
    },
    async countAccepted(provider: string, day: number): Promise<number> {
      const result = await pool.query<{ count: number }>({
        name: "coordination-count-accepted",
        text: countAcceptedSql,
        values: [provider, day],
      });
      return result.rows[0]?.count ?? 0;
    },
    async seedDailyCount(provider: string, day: number, count: number): Promise<number> {
      const result = await pool.query<{ count: number }>({
        name: "coordination-seed-daily-count",
        text: seedDailyCountSql,
        values: [provider, day, count],
      });
      return result.rows[0]?.count ?? count;
    },
  };

  return {
    instanceId,
    counts,
    signals: {
      publish(signal) {
        if (closed) {
          return;
        }
        pending.delete(signalKey(signal));
        pending.set(signalKey(signal), signal);
        void flush();
      },
      subscribe(listener) {
        listeners.add(listener);
        const at = clock();
        for (const { signal, origin } of breakers.values()) {
          if (signal.state === "open") {
            listener(signal, origin);
          }
        }
        for (const row of stalls.values()) {
          const mark: SharedStallMark = {
            kind: "stall",
            provider: row.provider,
            stall: { detail: row.detail, since: row.since, until: row.until },
            at,
          };
          listener(mark, row.origin);
        }
        return () => listeners.delete(listener);
      },
    },
    refresh,
    flushed: () => writing,
    async close() {
      closed = true;
      clearInterval(timer);
      // What this instance saw last should still reach the others.
      await flush();
      await reading?.catch(() => undefined);
      listeners.clear();
      const client = listen;
      listen = null;
      client?.removeAllListeners("end");
      await client?.end().catch(() => undefined);
    },
  };
}
