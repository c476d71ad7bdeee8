import {
  breakerSettingsSchema,
  ProviderBreakers,
  ProviderError,
  ProviderLimiter,
  type ProviderLimits,
} from "@mailroute/core";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPostgresCoordination, type PostgresCoordination } from "./coordination";
import { createPool } from "./pool";
import { createTestDatabase, type TestDatabase } from "./test-database";

// One fresh database for this file; each test uses providers of its own names, so they never
// see each other's rows.
let database: TestDatabase;
const pools: pg.Pool[] = [];
const opened: { close(): Promise<void> | void }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const item of opened.splice(0).reverse()) {
    await item.close();
  }
  for (const pool of pools.splice(0)) {
    await pool.end();
  }
});

afterAll(async () => {
  await database.drop();
});

/** An instance's pool and coordination, as a server on the same database would have them. */
async function instance(
  name: string,
  options: { pollIntervalMs?: number; clock?: () => number; errors?: unknown[] } = {},
): Promise<PostgresCoordination> {
  const pool = createPool({ url: database.url, size: 4, applicationName: `test ${name}` });
  pools.push(pool);
  const errors = options.errors ?? [];
  const coordination = await createPostgresCoordination({
    pool,
    instanceId: name,
    onError: (error) => errors.push(error),
    pollIntervalMs: options.pollIntervalMs,
    clock: options.clock,
  });
  opened.push({
    close: async () => {
      await coordination.close();
      if (!options.errors) {
        // Nothing may have failed quietly along the way.
        expect(errors).toEqual([]);
      }
    },
  });
  return coordination;
}

const settings = breakerSettingsSchema.parse({
  volumeThreshold: 3,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 1000,
  slowCallMs: 50,
  slowCallCount: 1,
});

function breakersOf(
  coordination: PostgresCoordination,
  providers: string[],
  resetTimeoutMs = settings.resetTimeoutMs,
): ProviderBreakers {
  const breakers = new ProviderBreakers(
    providers,
    { ...settings, resetTimeoutMs },
    {
      attemptTimeoutMs: 5000,
      signals: coordination.signals,
    },
  );
  opened.push({ close: () => breakers.shutdown() });
  return breakers;
}

const refused = new ProviderError({
  provider: "p",
  outcome: "retryable",
  reason: "network",
  providerCode: "ECONNREFUSED",
  message: "connection refused",
});

async function failThrice(breakers: ProviderBreakers, provider: string) {
  for (let index = 0; index < 3; index++) {
    await expect(breakers.fire(provider, () => Promise.reject(refused))).rejects.toBe(refused);
  }
}

/** Waits (at most `withinMs`) until `condition` holds; how long it took. */
async function within(withinMs: number, condition: () => boolean): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > withinMs) {
      throw new Error(`not within ${withinMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - started;
}

describe("PostgreSQL provider coordination: breakers and stalls", () => {
  it("opens the breaker on B within 2 s when failures open it on A, and closes it when A's probe succeeds", async () => {
    const a = breakersOf(await instance("a"), ["sendgrid", "mailgun"]);
    const b = breakersOf(await instance("b"), ["sendgrid", "mailgun"]);
    await failThrice(a, "sendgrid");
    expect(a.state("sendgrid")).toBe("open");
    await within(2000, () => b.state("sendgrid") === "open");
    expect(b.state("mailgun")).toBe("closed");
    expect(b.transitions("sendgrid").at(-1)).toMatchObject({
      from: "closed",
      to: "open",
      reason: "3 of 3 calls failed within 10 s (on a)",
    });
    // A half-opens after its reset timeout, its probe succeeds, and B closes too.
    await within(2000, () => a.state("sendgrid") === "halfOpen");
    await a.fire("sendgrid", () => Promise.resolve("accepted"));
    expect(a.state("sendgrid")).toBe("closed");
    await within(2000, () => b.state("sendgrid") === "closed");
    expect(b.transitions("sendgrid").at(-1)?.reason).toBe("a probe call succeeded (on a)");
  });

  it("reaches the other instance by polling alone, within a second, when no notification comes", async () => {
    const a = await instance("quiet-a");
    const b = await instance("quiet-b", { pollIntervalMs: 200 });
    const breakersA = breakersOf(a, ["postmark"]);
    const breakersB = breakersOf(b, ["postmark"]);
    // A writes the row directly, as an instance whose notification was lost would have.
    await pools[0]?.query(
      `insert into provider_breakers (provider, state, reason, misconfigured, changed_at, open_until, origin, version)
       values ('postmark', 'open', '401 Unauthorized', true, $1, $2, 'elsewhere', 1)`,
      [Date.now(), Date.now() + 20_000],
    );
    await within(1000, () => breakersB.state("postmark") === "open");
    expect(breakersB.misconfiguration("postmark")?.reason).toBe("401 Unauthorized");
    // A hears of it too (its own poll is the default second).
    await within(2000, () => breakersA.isOpen("postmark"));
  });

  it("keeps sharing when its LISTEN connection is cut, reports it, and listens again", async () => {
    const errors: unknown[] = [];
    // Open long enough for a change that only the poll delivers still to be in force.
    const a = breakersOf(await instance("cut-a", { errors: [] }), ["smtp"], 20_000);
    const b = breakersOf(await instance("cut-b", { errors }), ["smtp"], 20_000);
    const listening = async () =>
      (
        await pools[0]!.query(
          `select pid from pg_stat_activity
           where datname = current_database() and application_name = 'mailroute provider state'`,
        )
      ).rows.length;
    expect(await listening()).toBe(2);
    // Cuts both; A's error goes unchecked, B's is the one this test reads.
    await pools[0]!.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and application_name = 'mailroute provider state'`,
    );
    a.trip("smtp", "535 authentication failed");
    await within(2000, () => b.isOpen("smtp"));
    expect(errors).toEqual([
      expect.objectContaining({ message: "terminating connection due to administrator command" }),
    ]);
    const deadline = Date.now() + 3000;
    while ((await listening()) < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await listening()).toBe(2);
  });

  it("opens the breaker of an instance that starts while it is open elsewhere", async () => {
    const early = await instance("early");
    const a = breakersOf(early, ["ses"]);
    a.trip("ses", "sender not verified");
    await early.flushed();
    // Read before the newcomer's breakers exist, and handed to them as they subscribe.
    const late = breakersOf(await instance("late"), ["ses"]);
    expect(late.isOpen("ses")).toBe(true);
    expect(late.misconfiguration("ses")?.reason).toBe("sender not verified");
    expect(late.transitions("ses").at(-1)?.reason).toBe("sender not verified (on early)");
  });

  it("shares a stall mark while A's calls hang, and clears it when one answers", async () => {
    const a = breakersOf(await instance("stall-a"), ["resend"]);
    const b = breakersOf(await instance("stall-b"), ["resend"]);
    let answer: (value: string) => void = () => {};
    const call = a.fire(
      "resend",
      () =>
        new Promise<string>((resolve) => {
          answer = resolve;
        }),
    );
    await within(2000, () => a.stall("resend") !== null);
    await within(2000, () => b.stall("resend") !== null);
    expect(b.stall("resend")?.detail).toMatch(
      /^1 call in flight, the oldest for \d+ ms .* \(on stall-a\)$/,
    );
    answer("accepted");
    await call;
    expect(a.stall("resend")).toBeNull();
    await within(2000, () => b.stall("resend") === null);
  });
});

describe("PostgreSQL provider coordination: rate limits and daily quotas", () => {
  function limiterOf(
    coordination: PostgresCoordination,
    limits: Map<string, ProviderLimits>,
    clock: () => number,
  ) {
    return new ProviderLimiter(limits, clock, { counts: coordination.counts });
  }

  it("admits N per second over both instances, however the tries are spread", async () => {
    let now = Date.UTC(2026, 11, 4, 12);
    const clock = () => now;
    const limits = new Map([["rate", { ratePerSecond: 5, burst: 5 }]]);
    const a = limiterOf(await instance("rate-a"), limits, clock);
    const b = limiterOf(await instance("rate-b"), limits, clock);
    const admitted = async (count: number) => {
      const answers = await Promise.all(
        Array.from({ length: count }, (_, index) => (index % 2 === 0 ? a : b).admit("rate")),
      );
      return answers.filter((answer) => answer === null).length;
    };
    const c = limiterOf(await instance("rate-c"), limits, clock);
    expect(await c.inspect("rate")).toBeNull();
    expect(await admitted(20)).toBe(5);
    // C took nothing, yet what it shows (GET /v1/providers) is the shared bucket's state.
    expect(await c.inspect("rate")).toMatchObject({ reason: "rate_limited", retryAfterMs: 200 });
    expect(await a.admit("rate")).toMatchObject({ reason: "rate_limited", retryAfterMs: 200 });
    // The refusal seen by one instance is what its plan-time check says too.
    expect(a.check("rate")).toMatchObject({ reason: "rate_limited" });
    now += 400;
    expect(await admitted(20)).toBe(2);
    now += 1000;
    expect(await admitted(20)).toBe(5);
  });

  it("counts a daily quota of M over both instances", async () => {
    let now = Date.UTC(2026, 11, 4, 22);
    const clock = () => now;
    const limits = new Map([["quota", { dailyQuota: 7, ratePerSecond: 1000, burst: 1000 }]]);
    const a = limiterOf(await instance("quota-a"), limits, clock);
    const b = limiterOf(await instance("quota-b"), limits, clock);
    // Each starts with the store's tally; the larger one stands.
    await a.seedDailyCount("quota", 2);
    await b.seedDailyCount("quota", 1);
    let accepted = 0;
    for (let index = 0; index < 20; index++) {
      const limiter = index % 2 === 0 ? a : b;
      if ((await limiter.admit("quota")) === null) {
        accepted += 1;
        await limiter.recordAccepted("quota");
      }
    }
    expect(accepted).toBe(5);
    expect(await b.admit("quota")).toEqual({
      reason: "quota_exhausted",
      detail: "daily quota of 7 reached",
      retryAfterMs: 2 * 3_600_000,
    });
    expect(a.check("quota")).toMatchObject({ reason: "quota_exhausted" });
    const c = limiterOf(await instance("quota-c"), limits, clock);
    expect(c.check("quota")).toBeNull();
    expect(await c.inspect("quota")).toMatchObject({ reason: "quota_exhausted" });
    // A new UTC day starts from nothing.
    now += 2 * 3_600_000;
    expect(await a.admit("quota")).toBeNull();
  });
});
