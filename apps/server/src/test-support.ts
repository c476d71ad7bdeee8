import {
  breakerSettingsSchema,
  type EmailProvider,
  type MailStore,
  type ProviderCoordination,
  type ProviderLimits,
  type RouteConfig,
  retryPolicySchema,
  routeSchema,
  type TemplateStore,
  type WebhookOutboxStore,
} from "@mailroute/core";
import { createFakeProvider } from "@mailroute/core/testing";
import { createPostgresStore } from "@mailroute/store";
import { createPostgresTestDatabase, openTestStore } from "@mailroute/store/testing";
import pg from "pg";
import { type Logger, pino } from "pino";
import { afterAll, afterEach } from "vitest";
import { wireMailroute } from "./mailroute";
import { createApiKey } from "./services/api-keys";
import type { DispatchSettings } from "./services/dispatcher";
import type { InboundWebhookEndpoint } from "./services/inbound-webhooks/create-inbound-webhook-endpoints";
import type { UnsubscribeSettings } from "./services/unsubscribe";

type ServerTestStore = MailStore & WebhookOutboxStore & TemplateStore;

/**
 * On PostgreSQL, the database this test file's apps run on: created (from the migrated template)
 * on first use and emptied before each store is opened on it. A fresh copy per app would cost a
 * CREATE DATABASE each, seconds on a busy machine, for every one of the server's app tests.
 */
let fileDatabase: ReturnType<typeof createPostgresTestDatabase> | null = null;
/** Whether a store on it is open: a second store at once gets a fresh database of its own. */
let fileDatabaseInUse = false;
afterAll(async () => {
  const database = await fileDatabase?.catch(() => null);
  fileDatabase = null;
  await database?.drop();
});

/** The statements that empty the file database: computed once, from its catalog. */
let emptyingSql: Promise<string> | null = null;

/**
 * Deletes every row of every table, children before the tables they reference, and restarts the
 * sequences: as good as new. DELETE, not TRUNCATE: on tables this small it is several times
 * faster, since TRUNCATE makes new files for every table and index.
 */
async function emptyDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  try {
    emptyingSql ??= planEmptying(client);
    await client.query(await emptyingSql);
  } finally {
    await client.end();
  }
}

async function planEmptying(client: pg.Client): Promise<string> {
  const tables = (
    await client.query<{ name: string }>(
      "select quote_ident(tablename) as name from pg_tables where schemaname = 'public'",
    )
  ).rows.map((row) => row.name);
  const links = (
    await client.query<{ child: string; parent: string }>(
      `select quote_ident(c.relname) as child, quote_ident(p.relname) as parent
       from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace
       where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid`,
    )
  ).rows;
  const order: string[] = [];
  const left = new Set(tables);
  while (left.size > 0) {
    // A table goes once no table still to be emptied references it.
    const free = [...left].filter(
      (table) => !links.some((link) => link.parent === table && left.has(link.child)),
    );
    if (free.length === 0) {
      throw new Error(`tables reference each other in a cycle: ${[...left].join(", ")}`);
    }
    for (const table of free) {
      left.delete(table);
      order.push(table);
    }
  }
  const sequences = (
    await client.query<{ name: string }>(
      "select quote_ident(sequencename) as name from pg_sequences where schemaname = 'public'",
    )
  ).rows.map((row) => row.name);
  return [
    "begin",
    ...order.map((table) => `delete from ${table}`),
    ...sequences.map((sequence) => `alter sequence ${sequence} restart`),
    "commit",
  ].join(";\n");
}

/**
 * A store with nothing in it for one app: SQLite in memory, or (MAILROUTE_TEST_STORE=postgres)
 * a PostgreSQL store on this test file's database, emptied first (or on a fresh database of its
 * own while another store is open on that one).
 */
export async function openServerTestStore(): Promise<ServerTestStore> {
  if (process.env.MAILROUTE_TEST_STORE !== "postgres" || fileDatabaseInUse) {
    return openTestStore();
  }
  fileDatabaseInUse = true;
  try {
    fileDatabase ??= createPostgresTestDatabase();
    const database = await fileDatabase;
    await emptyDatabase(database.url);
    const store = await createPostgresStore({ url: database.url, migrate: false, poolSize: 5 });
    const close = store.close;
    return Object.assign(store, {
      async close() {
        try {
          await close();
        } finally {
          fileDatabaseInUse = false;
        }
      },
    });
  } catch (error) {
    fileDatabaseInUse = false;
    throw error;
  }
}

/**
 * An app on a fresh test store (SQLite in memory, or a fresh PostgreSQL database when
 * MAILROUTE_TEST_STORE=postgres) with the given providers; the dispatcher is driven by `drain()`.
 */
export async function createTestApp(options: {
  providers: EmailProvider[];
  routes?: unknown[];
  settings?: Partial<DispatchSettings>;
  store?: ServerTestStore;
  adminKey?: string;
  bodyLimitBytes?: number;
  sendAtHorizonDays?: number;
  inboundWebhookEndpoints?: Map<string, InboundWebhookEndpoint>;
  limits?: Map<string, ProviderLimits>;
  breaker?: Record<string, unknown>;
  clock?: () => number;
  /** Makes no API key (the app's own writes only), e.g. on a database that refuses writes. */
  withoutApiKey?: boolean;
  /** One-click unsubscribe settings (`server.publicUrl`, `server.unsubscribeSecret`). */
  unsubscribe?: UnsubscribeSettings;
  /** Where the app logs; silent by default. */
  logger?: Logger;
  /** `metrics.token`, and whether to add the default process metrics (off unless asked). */
  metricsToken?: string;
  processMetrics?: boolean;
  /** Provider state shared with other test apps (stopped with the app). */
  coordination?: ProviderCoordination;
  /** How often routes saved by another instance are read (on a store with `watch`). */
  routeRefreshMs?: number;
}) {
  const store = options.store ?? (await openServerTestStore());
  const providers = new Map(options.providers.map((provider) => [provider.name, provider]));
  const routes: RouteConfig[] = (
    options.routes ?? [{ name: "default", providers: [...providers.keys()] }]
  ).map((route) => routeSchema.parse(route));
  const { app, dispatcher, outboundWorker, breakers, stop } = await wireMailroute({
    store,
    providers,
    routes,
    breaker: breakerSettingsSchema.parse({ volumeThreshold: 5, ...options.breaker }),
    limits: options.limits ?? new Map(),
    dispatch: {
      concurrency: 8,
      pollIntervalMs: 20,
      attemptTimeoutMs: 2000,
      leaseMarginMs: 1000,
      retry: retryPolicySchema.parse({ initialDelayMs: 0, maxAttempts: 3 }),
      onAmbiguous: "failover",
      ...options.settings,
    },
    outbound: {
      concurrency: 4,
      pollIntervalMs: 20,
      timeoutMs: 1000,
      leaseMs: 5000,
      allowLoopback: true,
      allowPrivate: false,
      retryScheduleMs: [0, 0, 0, 0, 0, 0, 0, 0],
    },
    inboundWebhookEndpoints: options.inboundWebhookEndpoints ?? new Map(),
    bodyLimitBytes: options.bodyLimitBytes ?? 10 * 1024 * 1024,
    sendAtHorizonDays: options.sendAtHorizonDays ?? 30,
    unsubscribe: options.unsubscribe,
    logger: options.logger ?? pino({ level: "silent" }),
    adminKey: options.adminKey,
    metricsToken: options.metricsToken,
    processMetrics: options.processMetrics,
    random: () => 0.5,
    clock: options.clock,
    coordination: options.coordination,
    routeRefreshMs: options.routeRefreshMs,
  });
  const key = options.withoutApiKey ? "" : (await createApiKey(store, "test")).key;
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  return {
    app,
    store,
    dispatcher,
    outboundWorker,
    breakers,
    key,
    headers,
    send: (body: unknown, extra: Record<string, string> = {}) =>
      app.request("/v1/messages", {
        method: "POST",
        headers: { ...headers, ...extra },
        body: JSON.stringify(body),
      }),
    get: (path: string) => app.request(path, { headers }),
    close: async () => {
      await stop();
      await store.close();
    },
  };
}

/** A test app as {@link createTestApp} builds it. */
export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/**
 * For a test file's top level: returns `setup`, which builds a test app (with one fake provider,
 * `primary`, unless told otherwise) that is closed after each test.
 */
export function closeAppsAfterEach(): (
  options?: Parameters<typeof createTestApp>[0],
) => Promise<TestApp> {
  const open: TestApp[] = [];
  afterEach(async () => {
    for (const app of open.splice(0)) {
      await app.close();
    }
  });
  return async (options = { providers: [createFakeProvider("primary")] }) => {
    const app = await createTestApp(options);
    open.push(app);
    return app;
  };
}

/** How many messages (up to 100) and pending jobs the app holds: what a refusal leaves alone. */
export async function storedCounts(app: TestApp) {
  return {
    messages: (await app.store.listMessages({ limit: 100 })).data.length,
    jobs: await app.store.countPendingJobs(),
  };
}

/**
 * A fresh test store whose `method` (one of the accepts) holds every call at a gate until
 * `open()`: a request still being stored, as a concurrent duplicate finds it. `entered()` counts
 * the calls that reached the gate.
 */
export async function createGatedStore(method: "acceptMessage" | "acceptMessages") {
  const store = await openServerTestStore();
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let entered = 0;
  const accept = (store[method] as (input: unknown) => Promise<unknown>).bind(store);
  const held = async (input: unknown) => {
    entered += 1;
    await gate;
    return accept(input);
  };
  // A proxy rather than a copy: every other method and property is the store's own.
  const gated = new Proxy(store, {
    get: (target, property) => {
      if (property === method) {
        return held;
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store: gated, entered: () => entered, open };
}

/** A minimal valid send body. */
export const validBody = {
  from: "Acme <noreply@acme.test>",
  to: "user@example.com",
  subject: "Reset your password",
  text: "Your code is 123456",
};
