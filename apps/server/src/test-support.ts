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
import { createTestStore } from "@mailroute/store/testing";
import { type Logger, pino } from "pino";
import { afterEach } from "vitest";
import { wireMailroute } from "./mailroute";
import { createApiKey } from "./services/api-keys";
import type { DispatchSettings } from "./services/dispatcher";
import type { InboundWebhookEndpoint } from "./services/inbound-webhooks/create-inbound-webhook-endpoints";
import type { UnsubscribeSettings } from "./services/unsubscribe";

/** An app on an in-memory store with the given providers; the dispatcher is driven by `drain()`. */
export async function createTestApp(options: {
  providers: EmailProvider[];
  routes?: unknown[];
  settings?: Partial<DispatchSettings>;
  store?: MailStore & WebhookOutboxStore & TemplateStore;
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
}) {
  const store = options.store ?? createTestStore();
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
export function createGatedStore(method: "acceptMessage" | "acceptMessages") {
  const store = createTestStore();
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let entered = 0;
  const accept = store[method] as (input: unknown) => Promise<unknown>;
  const gated: typeof store = {
    ...store,
    [method]: async (input: unknown) => {
      entered += 1;
      await gate;
      return accept(input);
    },
  };
  return { store: gated, entered: () => entered, open };
}

/** A minimal valid send body. */
export const validBody = {
  from: "Acme <noreply@acme.test>",
  to: "user@example.com",
  subject: "Reset your password",
  text: "Your code is 123456",
};
