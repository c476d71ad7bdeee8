import { Writable } from "node:stream";
import { createFakeProvider } from "@mailroute/core/testing";
import { createPostgresStore } from "@mailroute/store";
import { createPostgresTestDatabase } from "@mailroute/store/testing";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "./config";
import { createMailroute, type Mailroute } from "./mailroute";
import type { ServerStore } from "./open-store";
import { createEmptyDatabase } from "./postgres-test-support";
import { createTestApp, openServerTestStore, type TestApp, validBody } from "./test-support";

type Topic = "dispatch" | "outbound";

/**
 * `store`, counting the claim rounds that have finished (`claims()`) and closed once however many
 * apps share it. With `watchByHand`, its `watch` is replaced: `wake(topic)` is then what another
 * instance's commit would cause.
 */
function instrument<Store extends ServerStore>(store: Store, watchByHand: boolean) {
  const listeners = new Set<(topic: Topic) => void>();
  let claims = 0;
  let closed: Promise<void> | null = null;
  const watched = new Proxy(store, {
    get: (target, property) => {
      if (property === "watch" && watchByHand) {
        return (listener: (topic: Topic) => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        };
      }
      if (property === "claimJobs") {
        return async (input: Parameters<typeof store.claimJobs>[0]) => {
          const jobs = await target.claimJobs(input);
          claims += 1;
          return jobs;
        };
      }
      if (property === "close") {
        return () => {
          closed ??= target.close();
          return closed;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    store: watched,
    wake: (topic: Topic) => {
      for (const listener of listeners) {
        listener(topic);
      }
    },
    listeners: () => listeners.size,
    claims: () => claims,
  };
}

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

describe("wake-ups from the store", () => {
  it("dispatches a message another instance accepted as soon as the store says so, not at the next poll", async () => {
    const watched = instrument(await openServerTestStore(), true);
    // The instance that takes the request never dispatches; the other polls only once a minute.
    const accepting = await createTestApp({
      providers: [createFakeProvider("primary")],
      store: watched.store,
    });
    apps.push(accepting);
    const sender = createFakeProvider("primary");
    const dispatching = await createTestApp({
      providers: [sender],
      store: watched.store,
      settings: { pollIntervalMs: 60_000 },
    });
    apps.push(dispatching);
    dispatching.dispatcher.start();
    // Its first round found nothing: it now sleeps for the poll interval.
    await vi.waitFor(() => expect(watched.claims()).toBeGreaterThanOrEqual(1), 5000);
    const { id } = (await (await accepting.send(validBody)).json()) as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sender.calls).toHaveLength(0);

    watched.wake("dispatch");
    await vi.waitFor(async () => {
      expect(await dispatching.store.getMessage(id)).toMatchObject({ status: "sent" });
    }, 5000);
    expect(sender.calls).toHaveLength(1);
  });

  it("wakes the outbound webhook worker for stored events, and the dispatcher for due jobs", async () => {
    const watched = instrument(await openServerTestStore(), true);
    const app = await createTestApp({
      providers: [createFakeProvider("primary")],
      store: watched.store,
    });
    apps.push(app);
    const outbound = vi.spyOn(app.outboundWorker, "notify");
    const dispatch = vi.spyOn(app.dispatcher, "notify");
    watched.wake("outbound");
    expect([outbound.mock.calls.length, dispatch.mock.calls.length]).toEqual([1, 0]);
    watched.wake("dispatch");
    expect([outbound.mock.calls.length, dispatch.mock.calls.length]).toEqual([1, 1]);
  });

  it("stops listening when the mailroute stops", async () => {
    const watched = instrument(await openServerTestStore(), true);
    const app = await createTestApp({
      providers: [createFakeProvider("primary")],
      store: watched.store,
    });
    expect(watched.listeners()).toBe(1);
    await app.close();
    expect(watched.listeners()).toBe(0);
  });
});

describe("routes saved on another instance", () => {
  it("are put in force on a shared database without a restart", async () => {
    const watched = instrument(await openServerTestStore(), true);
    const providers = () => [createFakeProvider("primary"), createFakeProvider("backup")];
    const first = await createTestApp({ providers: providers(), store: watched.store });
    const second = await createTestApp({
      providers: providers(),
      store: watched.store,
      routeRefreshMs: 20,
    });
    apps.push(first, second);
    const routes = [{ name: "default", strategy: "priority", providers: ["backup", "primary"] }];
    const saved = await first.app.request("/v1/routes", {
      method: "PUT",
      headers: first.headers,
      body: JSON.stringify({ routes }),
    });
    expect(saved.status).toBe(200);
    await vi.waitFor(async () => {
      expect(await (await second.get("/v1/routes")).json()).toMatchObject({
        source: "api",
        routes: [{ name: "default", providers: ["backup", "primary"] }],
      });
    }, 5000);
  });
});

describe("an accept on one PostgreSQL instance", () => {
  it("is dispatched at once by another instance on the same database", async () => {
    const database = await createPostgresTestDatabase();
    const other = instrument(
      await createPostgresStore({ url: database.url, migrate: false }),
      false,
    );
    try {
      const accepting = await createTestApp({
        providers: [createFakeProvider("primary")],
        store: await createPostgresStore({ url: database.url, migrate: false }),
      });
      const sender = createFakeProvider("primary");
      const dispatching = await createTestApp({
        providers: [sender],
        store: other.store,
        settings: { pollIntervalMs: 60_000 },
      });
      apps.push(accepting, dispatching);
      dispatching.dispatcher.start();
      // Its first round found nothing: it now sleeps for the poll interval.
      await vi.waitFor(() => expect(other.claims()).toBeGreaterThanOrEqual(1), 5000);
      const { id } = (await (await accepting.send(validBody)).json()) as { id: string };
      await vi.waitFor(async () => {
        expect(await dispatching.store.getMessage(id)).toMatchObject({ status: "sent" });
      }, 5000);
      expect(sender.calls).toHaveLength(1);
    } finally {
      for (const app of apps.splice(0)) {
        await app.close();
      }
      await database.drop();
    }
    // Creating the database waits for the template's advisory lock, which other test runs on
    // the same server may hold while they build theirs.
  }, 60_000);
});

/** A pino logger whose every line lands in `lines`. */
function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

async function startFailure(config: Record<string, unknown>): Promise<Error> {
  const { logger } = capturedLogger();
  return createMailroute({ config: parseConfig(config), logger, adminKey: "x".repeat(20) }).then(
    async (mailroute) => {
      await mailroute.close();
      throw new Error("expected createMailroute to fail");
    },
    (error: unknown) => error as Error,
  );
}

describe("createMailroute on PostgreSQL", () => {
  it("migrates an empty database at start, names it without its password and sends through it", async () => {
    const database = await createEmptyDatabase();
    let mailroute: Mailroute | undefined;
    try {
      // Trust authentication ignores the password; it must still appear nowhere.
      const url = new URL(database.url);
      url.password = "hunter2-secret";
      const { logger, lines } = capturedLogger();
      mailroute = await createMailroute({
        config: parseConfig({ database: url.toString() }),
        logger,
        adminKey: "admin-key-0123456789",
      });
      expect(mailroute.database).toBe(
        `PostgreSQL ${url.toString().replace("hunter2-secret", "***")}`,
      );
      expect(lines.join("")).toMatch(/"applied":[1-9]/);
      expect(lines.join("")).not.toContain("hunter2");
      mailroute.dispatcher.start();
      const headers = {
        authorization: "Bearer admin-key-0123456789",
        "content-type": "application/json",
      };
      const accepted = await mailroute.app.request("/v1/messages", {
        method: "POST",
        headers,
        body: JSON.stringify(validBody),
      });
      expect(accepted.status).toBe(202);
      const { id } = (await accepted.json()) as { id: string };
      await vi.waitFor(async () => {
        const read = await mailroute?.app.request(`/v1/messages/${id}`, { headers });
        expect(await read?.json()).toMatchObject({ status: "sent", provider: "capture" });
      }, 5000);
      expect((await mailroute.app.request("/readyz")).status).toBe(200);
    } finally {
      await mailroute?.close();
      await database.drop();
    }
  });

  it("refuses to start on a server that does not answer, naming it without its password", async () => {
    for (const migrateOnStart of [true, false]) {
      const error = await startFailure({
        database: "postgres://mailroute:hunter2@127.0.0.1:1/mailroute",
        postgres: { migrateOnStart },
      });
      expect(error.message).toContain("PostgreSQL postgres://mailroute:***@127.0.0.1:1/mailroute");
      expect(error.message).toContain("ECONNREFUSED");
      expect(error.message).toContain("Check that the server runs");
      expect(error.message).not.toContain("hunter2");
    }
  });

  it("refuses to start on a database without tables when told not to migrate, and says what to run", async () => {
    const database = await createEmptyDatabase();
    try {
      const error = await startFailure({
        database: database.url,
        postgres: { migrateOnStart: false },
      });
      expect(error.message).toMatch(/^PostgreSQL postgres:\/\/.* cannot be written \(/);
      expect(error.message).toContain("run `mailroute migrate`");
    } finally {
      await database.drop();
    }
  });
});
