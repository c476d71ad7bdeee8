import { createFakeProvider } from "@mailroute/core/testing";
import { createPostgresCoordination } from "@mailroute/store";
import { createSharedStateTestPools } from "@mailroute/store/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, validBody } from "../../test-support";

// Two instances as two apps in one process: each its own store, their provider state shared
// through one PostgreSQL database (a fresh one per test), each on a pool of its own.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function twoInstances(options: Omit<Parameters<typeof createTestApp>[0], "coordination">[]) {
  const shared = await createSharedStateTestPools(2);
  cleanups.push(() => shared.close());
  const apps: TestApp[] = [];
  for (const [index, appOptions] of options.entries()) {
    const coordination = await createPostgresCoordination({
      pool: shared.pools[index]!,
      instanceId: `instance-${"ab"[index]}`,
    });
    const app = await createTestApp({ ...appOptions, coordination });
    cleanups.push(() => app.close());
    apps.push(app);
  }
  return { apps, pools: shared.pools };
}

interface ProvidersBody {
  data: {
    name: string;
    breaker: string;
    limited: { reason: string; detail: string } | null;
    transitions: { from: string; to: string; reason: string }[];
  }[];
}

async function providersOf(app: TestApp): Promise<ProvidersBody["data"]> {
  const response = await app.get("/v1/providers");
  expect(response.status).toBe(200);
  return ((await response.json()) as ProvidersBody).data;
}

/** Waits at most `ms` for `check` to hold, asking every 20 ms. */
async function eventually(ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`not within ${ms} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("GET /v1/providers on two instances sharing one PostgreSQL database", () => {
  it("shows on B, within 2 s and with its reason, the breaker failures opened on A", async () => {
    const failing = createFakeProvider("primary");
    failing.fallback = {
      outcome: "retryable",
      reason: "network",
      message: "connection refused",
      providerCode: "ECONNREFUSED",
    };
    const {
      apps: [a, b],
    } = await twoInstances([
      { providers: [failing], breaker: { volumeThreshold: 2 } },
      { providers: [createFakeProvider("primary")], breaker: { volumeThreshold: 2 } },
    ]);
    await a!.send(validBody);
    await a!.send(validBody);
    await a!.dispatcher.drain();
    expect((await providersOf(a!))[0]?.breaker).toBe("open");
    const openedAt = Date.now();
    await eventually(2000, async () => (await providersOf(b!))[0]?.breaker === "open");
    expect(Date.now() - openedAt).toBeLessThan(2000);
    expect((await providersOf(b!))[0]?.transitions.at(-1)).toEqual({
      from: "closed",
      to: "open",
      at: expect.any(String),
      reason: expect.stringMatching(/^\d+ of \d+ calls failed within 10 s \(on instance-a\)$/),
    });
    // B does not call the provider while the breaker A opened is open.
    const { id } = (await (await b!.send(validBody)).json()) as { id: string };
    await b!.dispatcher.drain();
    expect((await b!.store.getMessage(id))?.status).not.toBe("sent");
  });

  it("counts a daily quota over both instances and shows it as the limit on each", async () => {
    const limits = new Map([["primary", { dailyQuota: 3 }]]);
    const {
      apps: [a, b],
      pools,
    } = await twoInstances([
      { providers: [createFakeProvider("primary")], limits },
      { providers: [createFakeProvider("primary")], limits },
    ]);
    const counted = async () =>
      (await pools[0]!.query<{ count: number }>("select count from provider_daily_counts")).rows[0]
        ?.count ?? 0;
    // One message at a time: a quota counts acceptances, so tries already in flight when it
    // fills may each still be accepted, on one instance as on several.
    const sendOn = async (app: TestApp, count: number) => {
      const statuses: (string | undefined)[] = [];
      for (let index = 0; index < count; index++) {
        const { id } = (await (await app.send(validBody)).json()) as { id: string };
        await app.dispatcher.drain();
        statuses.push((await app.store.getMessage(id))?.status);
      }
      return statuses;
    };
    expect(await sendOn(a!, 2)).toEqual(["sent", "sent"]);
    // The acceptance is counted just after the send; B's next admission sees it.
    await eventually(2000, async () => (await counted()) === 2);
    expect((await providersOf(b!))[0]?.limited).toBeNull();
    expect(await sendOn(b!, 2)).toEqual(["sent", "queued"]);
    await eventually(2000, async () => (await counted()) === 3);
    for (const app of [a!, b!]) {
      expect((await providersOf(app))[0]?.limited).toEqual({
        reason: "quota_exhausted",
        detail: "daily quota of 3 reached",
      });
    }
  });
});
