import { defaultPostmarkServerToken, startPostmarkEmulator } from "@mailroute/emulators/postmark";
import { sendGridTestApiKey, startSendGridEmulator } from "@mailroute/emulators/sendgrid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, mapConcurrently, waitUntil } from "./support/api-client";
import {
  createTestDatabase,
  postgresServerEnvironment,
  type TestDatabase,
} from "./support/postgres";
import { type ServerProcess, startServer } from "./support/server-process";

// What two mailroute instances on one PostgreSQL database share: breakers, rate limits and
// daily quotas, API-key revocation, idempotency keys, and the wake-up of the dispatcher.

const apiKey = "scale-out-sharing-admin-key-0123456789";

/**
 * How long a key verified once stays trusted by an instance without asking the database: the
 * verifier's cache (createKeyVerifier's `cacheMs` in apps/server/src/services/api-keys.ts).
 */
const keyCacheBoundMs = 60_000;

interface ProviderView {
  name: string;
  breaker: string;
}
interface Summary {
  id: string;
  status: string;
}
interface Capture {
  messageId: string;
}

const message = (index: number, tags: string[] = []) => ({
  from: "Acme <noreply@acme.test>",
  to: `user${index}@example.com`,
  subject: `Notice ${index}`,
  text: "Hello",
  tags,
});

/** A fresh database and the instances started on it, one configuration each, stopped at the end. */
function cluster(prefix: string) {
  const servers: ServerProcess[] = [];
  let database: TestDatabase | undefined;
  return {
    servers,
    async start(configs: Record<string, unknown>[]): Promise<ServerProcess[]> {
      database ??= await createTestDatabase();
      const started: ServerProcess[] = [];
      // One after the other: the first migrates, the next find the schema in place.
      for (const [index, config] of configs.entries()) {
        const server = await startServer(
          postgresServerEnvironment({
            prefix: `${prefix}-${servers.length + index}`,
            config,
            databaseUrl: database.url,
            apiKey,
          }),
        );
        servers.push(server);
        started.push(server);
      }
      return started;
    },
    async close() {
      await Promise.all(servers.map((server) => server.stop()));
      await database?.drop();
    },
  };
}

async function providerState(url: string, name: string): Promise<string | undefined> {
  const response = await fetch(`${url}/v1/providers`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const { data } = (await response.json()) as { data: ProviderView[] };
  return data.find((provider) => provider.name === name)?.breaker;
}

describe("breaker sharing across two instances", () => {
  const pair = cluster("share-breaker");
  afterAll(() => pair.close());

  it("a breaker opened by failures seen on A is open on B within 2 s", async () => {
    // A sends to a provider answering 503 to everything; B's copy of the same provider points at
    // a healthy emulator B never calls (B routes to capture), so B sees no failure of its own.
    const failing = await startSendGridEmulator();
    const healthy = await startSendGridEmulator();
    failing.fault({ kind: "status", status: 503 });
    const common = {
      breaker: {
        volumeThreshold: 5,
        errorThresholdPercentage: 50,
        rollingCountTimeoutMs: 10_000,
        resetTimeoutMs: 60_000,
      },
      retry: { initialDelayMs: 100, maxDelayMs: 300, maxAttempts: 100, deadlineMs: 600_000 },
      dispatch: { concurrency: 4, pollIntervalMs: 50 },
    };
    const flaky = (baseUrl: string) => ({
      name: "flaky",
      type: "sendgrid",
      apiKey: sendGridTestApiKey,
      baseUrl,
      timeoutMs: 1000,
    });
    try {
      const [a, b] = (await pair.start([
        {
          ...common,
          providers: [flaky(failing.baseUrl), { name: "capture", type: "capture" }],
          routes: [{ name: "default", providers: ["flaky"] }],
        },
        {
          ...common,
          providers: [flaky(healthy.baseUrl), { name: "capture", type: "capture" }],
          routes: [{ name: "default", providers: ["capture"] }],
        },
      ])) as [ServerProcess, ServerProcess];
      expect(await providerState(a.url, "flaky")).toBe("closed");
      expect(await providerState(b.url, "flaky")).toBe("closed");

      const api = createApiClient(() => a.url, apiKey);
      const answers = await mapConcurrently(
        Array.from({ length: 30 }, (_, index) => index),
        5,
        (index) => api.send(message(index)),
      );
      expect(answers.every((answer) => answer.status === 202)).toBe(true);
      const openOnA = await waitUntil(
        async () => (await providerState(a.url, "flaky")) === "open",
        20_000,
        25,
      );
      const openedAt = Date.now();
      expect(openOnA).toBe(true);
      const openOnB = await waitUntil(
        async () => (await providerState(b.url, "flaky")) === "open",
        5_000,
        25,
      );
      const lagMs = Date.now() - openedAt;
      console.log(
        `breaker: open on A after ${failing.requestCount()} failed calls; open on B ${lagMs} ms later`,
      );
      expect(openOnB).toBe(true);
      expect(lagMs).toBeLessThanOrEqual(2000);
      expect(failing.requestCount()).toBeGreaterThanOrEqual(5);
      expect(healthy.requestCount()).toBe(0);
    } finally {
      await failing.close();
      await healthy.close();
    }
  });
});

describe("limits, keys and idempotency across two instances", () => {
  const pair = cluster("share-limits");
  // Each instance's copy of a provider points at its own emulator: the two ledgers tell which
  // instance sent what, and together they show what the provider's account received.
  const emulators = {
    limitedA: null as Awaited<ReturnType<typeof startSendGridEmulator>> | null,
    limitedB: null as Awaited<ReturnType<typeof startSendGridEmulator>> | null,
    quotaA: null as Awaited<ReturnType<typeof startPostmarkEmulator>> | null,
    quotaB: null as Awaited<ReturnType<typeof startPostmarkEmulator>> | null,
  };
  const arrivals: number[] = [];
  const ratePerSecond = 10;
  const dailyQuota = 8;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    emulators.limitedA = await startSendGridEmulator();
    emulators.limitedB = await startSendGridEmulator();
    emulators.quotaA = await startPostmarkEmulator();
    emulators.quotaB = await startPostmarkEmulator();
    for (const emulator of [emulators.limitedA, emulators.limitedB]) {
      emulator.server.on("request", (request) => {
        if (request.method === "POST" && request.url?.startsWith("/v3/mail/send")) {
          arrivals.push(performance.now());
        }
      });
    }
    const configFor = (limited: string, quota: string) => ({
      providers: [
        {
          name: "limited",
          type: "sendgrid",
          apiKey: sendGridTestApiKey,
          baseUrl: limited,
          timeoutMs: 1000,
          // burst 1: one instance alone could never send two within 1/rate s.
          limits: { ratePerSecond, burst: 1 },
        },
        {
          name: "quota",
          type: "postmark",
          serverToken: defaultPostmarkServerToken,
          baseUrl: quota,
          timeoutMs: 1000,
          limits: { dailyQuota },
        },
        { name: "capture", type: "capture" },
      ],
      routes: [
        { name: "limited", match: { tags: ["limited"] }, providers: ["limited"] },
        { name: "quota", match: { tags: ["quota"] }, providers: ["quota", "capture"] },
        { name: "default", providers: ["capture"] },
      ],
      dispatch: { concurrency: 8, pollIntervalMs: 50 },
      retry: { initialDelayMs: 50, maxDelayMs: 200, maxAttempts: 100, deadlineMs: 600_000 },
    });
    [a, b] = (await pair.start([
      configFor(emulators.limitedA.baseUrl, emulators.quotaA.baseUrl),
      configFor(emulators.limitedB.baseUrl, emulators.quotaB.baseUrl),
    ])) as [ServerProcess, ServerProcess];
  });

  afterAll(async () => {
    await pair.close();
    await Promise.all(Object.values(emulators).map((emulator) => emulator?.close()));
  });

  it("counts a provider's rate limit across both instances", async () => {
    const count = 60;
    const answers = await mapConcurrently(
      Array.from({ length: count }, (_, index) => index),
      10,
      (index) =>
        createApiClient(() => (index % 2 === 0 ? a : b).url, apiKey).send(
          message(index, ["limited"]),
        ),
    );
    expect(answers.every((answer) => answer.status === 202)).toBe(true);
    const ledger = () =>
      (emulators.limitedA?.ledger().length ?? 0) + (emulators.limitedB?.ledger().length ?? 0);
    const allSent = await waitUntil(async () => ledger() >= count, 60_000, 50);
    const times = [...arrivals].sort((x, y) => x - y);
    const spanSeconds = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
    const rate = (times.length - 1) / spanSeconds;
    let busiestSecond = 0;
    for (const [index, start] of times.entries()) {
      const within = times.slice(index).filter((time) => time < start + 1000).length;
      busiestSecond = Math.max(busiestSecond, within);
    }
    // With burst 1 every send waits for a whole token, 1/rate s after the one before it; two
    // buckets, one per instance, would let sends of A and B land close together (printed only:
    // on a loaded machine a request's way to the emulator varies by tens of milliseconds).
    const spacingMs = 1000 / ratePerSecond;
    const closePairs = times.filter(
      (time, index) => index > 0 && time - (times[index - 1] as number) < spacingMs / 2,
    ).length;
    console.log(
      `rate limit ${ratePerSecond}/s: ${times.length} sends (A ${emulators.limitedA?.ledger().length}, ` +
        `B ${emulators.limitedB?.ledger().length}) over ${spanSeconds.toFixed(2)} s = ${rate.toFixed(1)}/s; busiest 1 s window ${busiestSecond}; sends under ${spacingMs / 2} ms apart ${closePairs}`,
    );
    expect(allSent).toBe(true);
    expect(times).toHaveLength(count);
    // Both instances sent: the limit held against their combined sends.
    expect(emulators.limitedA?.ledger().length).toBeGreaterThan(5);
    expect(emulators.limitedB?.ledger().length).toBeGreaterThan(5);
    // Two separate buckets would allow about twice the rate.
    expect(rate).toBeLessThanOrEqual(ratePerSecond * 1.15);
    // One bucket allows burst + rate × 1 s in any second (11); two buckets, twice that.
    expect(busiestSecond).toBeLessThanOrEqual(ratePerSecond + 2);
  });

  it("counts a daily quota across both instances, the rest going to the next provider", async () => {
    // One message at a time, alternating instances, each sent before the next is accepted: no
    // two sends race for the last unit of quota, so the count alone decides.
    const count = 30;
    const api = createApiClient(() => a.url, apiKey);
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const answer = await createApiClient(() => (index % 2 === 0 ? a : b).url, apiKey).send(
        message(1000 + index, ["quota"]),
      );
      expect(answer.status).toBe(202);
      ids.push(answer.id as string);
      const sent = await waitUntil(
        async () => (await api.get<Summary>(`/v1/messages/${answer.id}`)).status === "sent",
        10_000,
        20,
      );
      expect(sent).toBe(true);
    }
    const quotaA = emulators.quotaA?.ledger().length ?? 0;
    const quotaB = emulators.quotaB?.ledger().length ?? 0;
    const captured = (await api.all<Capture>("/v1/captures")).filter((capture) =>
      ids.includes(capture.messageId),
    ).length;
    console.log(
      `daily quota ${dailyQuota}: provider received ${quotaA + quotaB} (from A ${quotaA}, from B ${quotaB}); next provider ${captured}`,
    );
    // Two separate counts would let each instance send up to the quota.
    expect(quotaA + quotaB).toBe(dailyQuota);
    expect(captured).toBe(count - dailyQuota);
  });

  it("refuses a key revoked on A on B within the key cache's bound", async () => {
    const admin = createApiClient(() => a.url, apiKey);
    const created = await admin.post<{ id: string; key: string }>("/v1/api-keys", {
      name: "reader",
      scopes: ["read"],
    });
    expect(created.status).toBe(201);
    const asReader = (url: string) =>
      fetch(`${url}/v1/messages?limit=1`, {
        headers: { authorization: `Bearer ${created.body.key}` },
      }).then((response) => response.status);
    // B verifies it once, and may keep trusting it for up to the cache's bound.
    expect(await asReader(b.url)).toBe(200);
    expect(await asReader(a.url)).toBe(200);
    const revoked = await fetch(`${a.url}/v1/api-keys/${created.body.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(revoked.status).toBe(204);
    const revokedAt = Date.now();
    expect(await asReader(a.url)).toBe(401);
    const refusedOnB = await waitUntil(
      async () => (await asReader(b.url)) === 401,
      keyCacheBoundMs + 5_000,
      250,
    );
    const lagMs = Date.now() - revokedAt;
    console.log(
      `API key revoked on A: refused on B after ${lagMs} ms (bound ${keyCacheBoundMs} ms)`,
    );
    expect(refusedOnB).toBe(true);
    expect(lagMs).toBeLessThanOrEqual(keyCacheBoundMs + 1000);
  }, 90_000);

  it("answers an Idempotency-Key used on A the same from B", async () => {
    const send = (url: string, body: unknown) =>
      fetch(`${url}/v1/messages`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "idempotency-key": "share-order-42",
        },
        body: JSON.stringify(body),
      });
    const first = await send(a.url, message(42));
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    const again = await send(b.url, message(42));
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(firstBody);
    const other = await send(b.url, { ...message(42), subject: "another body" });
    expect(other.status).toBe(422);
    const stored = await createApiClient(() => b.url, apiKey).all<Summary>("/v1/messages");
    expect(
      stored.filter((summary) => summary.id === (firstBody as { id: string }).id),
    ).toHaveLength(1);
  });
});

describe("wake-ups across instances (LISTEN/NOTIFY)", () => {
  const pair = cluster("share-wake");
  afterAll(() => pair.close());

  it("dispatches an accept on A at once on B, whose own poll is a minute away", async () => {
    // A has one dispatch slot, held by a call that hangs (for two minutes, and never counted as
    // stuck), so A cannot dispatch what it accepts; B polls once a minute. Only a wake-up sent
    // through the database gets B to the new message within seconds.
    const hanging = await startSendGridEmulator();
    hanging.fault({ kind: "hang" });
    const good = await startPostmarkEmulator();
    const configFor = (concurrency: number) => ({
      providers: [
        {
          name: "hanging",
          type: "sendgrid",
          apiKey: sendGridTestApiKey,
          baseUrl: hanging.baseUrl,
          timeoutMs: 120_000,
        },
        {
          name: "good",
          type: "postmark",
          serverToken: defaultPostmarkServerToken,
          baseUrl: good.baseUrl,
          timeoutMs: 5000,
        },
      ],
      routes: [
        { name: "hold", match: { tags: ["hold"] }, providers: ["hanging"] },
        { name: "default", providers: ["good"] },
      ],
      breaker: { slowCallMs: 600_000 },
      dispatch: {
        concurrency,
        pollIntervalMs: 60_000,
        attemptTimeoutMs: 120_000,
        leaseMarginMs: 60_000,
      },
    });
    try {
      const [a] = (await pair.start([configFor(1)])) as [ServerProcess];
      const apiA = createApiClient(() => a.url, apiKey);
      expect((await apiA.send(message(0, ["hold"]))).status).toBe(202);
      expect(await waitUntil(async () => hanging.requestCount() === 1, 10_000, 20)).toBe(true);
      await pair.start([configFor(4)]);
      // B's first claim round at start has run; its next poll is a minute away.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const lags: number[] = [];
      for (let index = 1; index <= 3; index += 1) {
        const acceptedAt = Date.now();
        const answer = await apiA.send(message(index));
        expect(answer.status).toBe(202);
        const sent = await waitUntil(
          async () => good.ledger().some((entry) => entry.mailrouteId === answer.id),
          5_000,
          10,
        );
        expect(sent).toBe(true);
        lags.push(Date.now() - acceptedAt);
      }
      console.log(`accept on A → sent by B in ${lags.join(", ")} ms (B polls every 60 s)`);
      expect(Math.max(...lags)).toBeLessThanOrEqual(2000);
      // A was held throughout: the hanging call is its only one.
      expect(hanging.requestCount()).toBe(1);
    } finally {
      await hanging.close();
      await good.close();
    }
  });
});
