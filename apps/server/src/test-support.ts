import {
  breakerSettingsSchema,
  type EmailProvider,
  type MailStore,
  ProviderBreakers,
  ProviderLimiter,
  type ProviderLimits,
  type RouteConfig,
  retryPolicySchema,
  routeSchema,
  type WebhookOutboxStore,
} from "@mailroute/core";
import { createTestStore } from "@mailroute/store/testing";
import { pino } from "pino";
import { createApp } from "./app";
import { createApiKey } from "./services/api-keys";
import { createDispatcher, type DispatchSettings } from "./services/dispatcher";
import { createOutboundWorker } from "./services/outbound-worker";
import { createRoutingService } from "./services/routing";
import type { WebhookEndpoint } from "./webhooks";

/** An app on an in-memory store with the given providers; the dispatcher is driven by `drain()`. */
export async function createTestApp(options: {
  providers: EmailProvider[];
  routes?: unknown[];
  settings?: Partial<DispatchSettings>;
  store?: MailStore & WebhookOutboxStore;
  adminKey?: string;
  bodyLimitBytes?: number;
  webhookEndpoints?: Map<string, WebhookEndpoint>;
  limits?: Map<string, ProviderLimits>;
}) {
  const store = options.store ?? createTestStore();
  const providers = new Map(options.providers.map((provider) => [provider.name, provider]));
  const breakers = new ProviderBreakers(
    [...providers.keys()],
    breakerSettingsSchema.parse({ volumeThreshold: 5 }),
  );
  const routes: RouteConfig[] = (
    options.routes ?? [{ name: "default", providers: [...providers.keys()] }]
  ).map((route) => routeSchema.parse(route));
  const logger = pino({ level: "silent" });
  const limiter = new ProviderLimiter(options.limits ?? new Map());
  const routing = await createRoutingService({
    store,
    configured: routes,
    senders: [...providers.keys()],
  });
  const dispatcher = createDispatcher({
    store,
    providers,
    breakers,
    limiter,
    routes: () => routing.current(),
    logger,
    random: () => 0.5,
    settings: {
      concurrency: 8,
      pollIntervalMs: 20,
      attemptTimeoutMs: 2000,
      leaseMarginMs: 1000,
      retry: retryPolicySchema.parse({ initialDelayMs: 0, maxAttempts: 3 }),
      onAmbiguous: "failover",
      ...options.settings,
    },
  });
  const outboundWorker = createOutboundWorker({
    store,
    logger,
    random: () => 0.5,
    settings: {
      concurrency: 4,
      pollIntervalMs: 20,
      timeoutMs: 1000,
      leaseMs: 5000,
      allowLoopback: true,
      allowPrivate: false,
      retryScheduleMs: [0, 0, 0, 0, 0, 0, 0, 0],
    },
  });
  const app = createApp({
    store,
    providers,
    breakers,
    limiter,
    routing,
    dispatcher,
    outboundWorker,
    outbound: { allowLoopback: true, allowPrivate: false },
    logger,
    adminKey: options.adminKey,
    bodyLimitBytes: options.bodyLimitBytes ?? 10 * 1024 * 1024,
    webhookEndpoints: options.webhookEndpoints ?? new Map(),
  });
  const { key } = await createApiKey(store, "test");
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
      breakers.shutdown();
      await store.close();
    },
  };
}

/** A minimal valid send body. */
export const validBody = {
  from: "Acme <noreply@acme.test>",
  to: "user@example.com",
  subject: "Reset your password",
  text: "Your code is 123456",
};
