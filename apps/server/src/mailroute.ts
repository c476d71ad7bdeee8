import {
  type BreakerSettings,
  type BreakerTransition,
  type EmailProvider,
  type MailStore,
  ProviderBreakers,
  type ProviderCoordination,
  ProviderLimiter,
  type ProviderLimits,
  type RouteConfig,
  type TemplateStore,
  type WebhookOutboxStore,
} from "@mailroute/core";
import { createPostgresCoordination, type PostgresCoordinationOptions } from "@mailroute/store";
import type { Logger } from "pino";
import { createApp } from "./app";
import type { App } from "./app-env";
import type { MailrouteConfig } from "./config";
import { type DatabaseTarget, describeDatabase, parseDatabaseTarget } from "./database";
import { openWritableStore } from "./open-store";
import { createProviders, loadProviderKinds } from "./providers";
import { createApiKey } from "./services/api-keys";
import { createDispatcher, type Dispatcher, type DispatchSettings } from "./services/dispatcher";
import {
  createInboundWebhookEndpoints,
  type InboundWebhookEndpoint,
} from "./services/inbound-webhooks/create-inbound-webhook-endpoints";
import { createServerMetrics } from "./services/metrics";
import {
  createOutboundWorker,
  type OutboundSettings,
  type OutboundWorker,
} from "./services/outbound-webhooks/outbound-worker";
import { loadRouteTable } from "./services/routing-rules";
import { createUnsubscribeLinks, type UnsubscribeSettings } from "./services/unsubscribe";

/** What a mailroute is built from, once configuration (or a test) has made the parts. */
export interface MailrouteParts {
  store: MailStore & WebhookOutboxStore & TemplateStore;
  providers: ReadonlyMap<string, EmailProvider>;
  routes: RouteConfig[];
  breaker: BreakerSettings;
  limits: ReadonlyMap<string, ProviderLimits>;
  dispatch: DispatchSettings;
  outbound: OutboundSettings;
  inboundWebhookEndpoints: ReadonlyMap<string, InboundWebhookEndpoint>;
  bodyLimitBytes: number;
  /** How far ahead a message's `sendAt` may be. */
  sendAtHorizonDays: number;
  /** One-click unsubscribe: the public URL and the signing secret; none by default. */
  unsubscribe?: UnsubscribeSettings | undefined;
  logger: Logger;
  adminKey?: string | undefined;
  /** `metrics.token`: the bearer `/metrics` requires; without it only loopback may scrape. */
  metricsToken?: string | undefined;
  /** Adds prom-client's default process metrics (the server does; tests building many apps don't). */
  processMetrics?: boolean;
  /** Injected by tests to make weighted routing and jitter repeatable. */
  random?: () => number;
  /** Injected by tests to drive the stalled-provider signal without waiting. */
  clock?: () => number;
  /**
   * Breakers, stall marks, rate limits and daily quotas shared with the other instances on the
   * same database (`createPostgresCoordination` on PostgreSQL); unset, they are this process's
   * alone. Closed by `stop()`.
   */
  coordination?: ProviderCoordination | undefined;
  /**
   * How often an instance on a shared database (a store with `watch`) reads the routes another
   * instance may have saved with `PUT /v1/routes`; 5 s unless given.
   */
  routeRefreshMs?: number;
}

/** The wired object graph: the app, its two workers and what tests look into. */
export interface WiredMailroute {
  app: App;
  dispatcher: Dispatcher;
  outboundWorker: OutboundWorker;
  breakers: ProviderBreakers;
  /** Stops the workers and the breakers' timers (the store and providers stay open). */
  stop(): Promise<void>;
}

/** Builds breakers, limits, routing, both workers and the app over the given parts. */
export async function wireMailroute(parts: MailrouteParts): Promise<WiredMailroute> {
  const { store, providers, logger } = parts;
  const breakers = new ProviderBreakers([...providers.keys()], parts.breaker, {
    attemptTimeoutMs: parts.dispatch.attemptTimeoutMs,
    clock: parts.clock,
    onTransition: (transition: BreakerTransition) =>
      logger.warn(transition, `breaker of ${transition.provider} is now ${transition.to}`),
    onStall: (provider, stall) =>
      stall
        ? logger.warn({ provider, ...stall }, `${provider} is stalled: ${stall.detail}`)
        : logger.info({ provider }, `${provider} answers again; no longer stalled`),
    signals: parts.coordination?.signals,
  });
  const limiter = new ProviderLimiter(parts.limits, Date.now, {
    counts: parts.coordination?.counts,
    onError: (error) =>
      logger.error({ err: error }, "could not count an accepted send in the shared daily quota"),
  });
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  for (const [provider, count] of Object.entries(await store.countAcceptedSince(today))) {
    await limiter.seedDailyCount(provider, count);
  }
  const unsubscribeLinks = createUnsubscribeLinks(parts.unsubscribe ?? { publicUrl: null }, store);
  const routing = await loadRouteTable({
    store,
    configured: parts.routes,
    requirements: { senders: [...providers.keys()], unsubscribe: unsubscribeLinks.available },
  });
  const random = parts.random ? { random: parts.random } : {};
  const { registry, metrics } = createServerMetrics({
    store,
    breakers,
    providers: [...providers.keys()],
    processMetrics: parts.processMetrics ?? false,
    clock: parts.clock,
  });
  const dispatcher = createDispatcher({
    store,
    providers,
    breakers,
    limiter,
    routes: () => routing.current(),
    logger,
    metrics,
    settings: parts.dispatch,
    ...random,
  });
  const outboundWorker = createOutboundWorker({
    store,
    settings: parts.outbound,
    logger,
    metrics,
    ...random,
  });
  const app = createApp({
    store,
    providers,
    breakers,
    limiter,
    routing,
    dispatcher,
    outboundWorker,
    outbound: {
      allowLoopback: parts.outbound.allowLoopback,
      allowPrivate: parts.outbound.allowPrivate,
    },
    logger,
    adminKey: parts.adminKey,
    bodyLimitBytes: parts.bodyLimitBytes,
    sendAtHorizonDays: parts.sendAtHorizonDays,
    unsubscribeLinks,
    inboundWebhookEndpoints: parts.inboundWebhookEndpoints,
    metrics: { registry, counters: metrics, token: parts.metricsToken },
  });
  // Another instance on the same database made a job due or stored events: look now, not at the
  // next poll. A store only one process uses (SQLite) has no watch; the app notifies itself.
  const unwatch = store.watch?.((topic) => {
    if (topic === "dispatch") {
      dispatcher.notify();
    } else {
      outboundWorker.notify();
    }
  });
  // Routes saved through the API on another instance: one indexed read every few seconds.
  const routeRefresh = store.watch
    ? setInterval(() => {
        routing.refresh().catch((error: unknown) => {
          logger.warn(
            { err: error },
            "routes saved by another instance cannot be used here; keeping the current ones",
          );
        });
      }, parts.routeRefreshMs ?? 5000)
    : undefined;
  routeRefresh?.unref();
  return {
    app,
    dispatcher,
    outboundWorker,
    breakers,
    async stop() {
      unwatch?.();
      clearInterval(routeRefresh);
      await dispatcher.stop();
      await outboundWorker.stop();
      breakers.shutdown();
      await parts.coordination?.close();
    },
  };
}

/**
 * The provider state a store calls for: on PostgreSQL, shared with every instance on the same
 * database (breakers, stall marks, rate limits, daily quotas); on SQLite, one process's alone.
 */
export async function createCoordinationFor(
  store:
    | { readonly kind: "sqlite" }
    | { readonly kind: "postgres"; readonly pool: PostgresCoordinationOptions["pool"] },
  logger: Logger,
): Promise<ProviderCoordination | undefined> {
  if (store.kind !== "postgres") {
    return undefined;
  }
  return createPostgresCoordination({
    pool: store.pool,
    // Each failed read or write is tried again within a second; meanwhile this instance decides
    // on what it knows.
    onError: (error) =>
      logger.warn({ err: error }, "could not share provider state with the other instances"),
  });
}

/** A wired mailroute: the app, its worker and how to stop them. */
export interface Mailroute {
  app: App;
  dispatcher: Dispatcher;
  outboundWorker: OutboundWorker;
  /** The API key created on first start, shown once; null when keys already existed. */
  firstKey: string | null;
  /** The database it runs on, as the banner names it (`PostgreSQL postgres://u:***@…`). */
  database: string;
  close(): Promise<void>;
}

/** Wires store, providers, breakers, dispatcher and app from a validated configuration. */
export async function createMailroute(options: {
  config: MailrouteConfig;
  logger: Logger;
  adminKey?: string | undefined;
  /** The database to use instead of the configuration's (see `selectDatabase`). */
  database?: DatabaseTarget | undefined;
}): Promise<Mailroute> {
  const { config, logger } = options;
  const target = options.database ?? parseDatabaseTarget(config.database);
  const store = await openWritableStore(target, config, logger);
  let coordination: ProviderCoordination | undefined;
  try {
    // openWritableStore opens a SqliteStore or a PostgresStore, each naming its `kind`.
    coordination = await createCoordinationFor(
      store as unknown as Parameters<typeof createCoordinationFor>[0],
      logger,
    );
    const kinds = await loadProviderKinds(config.providers);
    const providers = createProviders(config.providers, kinds, { store });
    for (const entry of config.providers) {
      const webhook = entry.webhook as { topicArns?: unknown } | undefined;
      if (entry.type === "ses" && webhook && !webhook.topicArns) {
        // Any AWS account could otherwise subscribe its own topic and post signed events.
        logger.warn(
          { provider: entry.name },
          "SES webhook without webhook.topicArns accepts any SNS topic",
        );
      }
    }
    const wired = await wireMailroute({
      store,
      providers,
      routes: config.routes,
      breaker: config.breaker,
      limits: new Map(
        config.providers.flatMap((entry) =>
          entry.limits ? [[entry.name, entry.limits] as const] : [],
        ),
      ),
      dispatch: { ...config.dispatch, retry: config.retry, onAmbiguous: config.onAmbiguous },
      outbound: config.outbound,
      inboundWebhookEndpoints: createInboundWebhookEndpoints(config.providers, kinds),
      bodyLimitBytes: config.server.bodyLimitBytes,
      sendAtHorizonDays: config.server.sendAtHorizonDays,
      unsubscribe: {
        publicUrl: config.server.publicUrl ?? null,
        secret: config.server.unsubscribeSecret,
      },
      logger,
      adminKey: options.adminKey,
      metricsToken: config.metrics.token,
      processMetrics: true,
      coordination,
    });
    let firstKey: string | null = null;
    if ((await store.countApiKeys()) === 0 && !options.adminKey) {
      firstKey = (await createApiKey(store, "first key")).key;
    }
    return {
      app: wired.app,
      dispatcher: wired.dispatcher,
      outboundWorker: wired.outboundWorker,
      firstKey,
      database: describeDatabase(target),
      async close() {
        await wired.stop();
        await Promise.all([...providers.values()].map((provider) => provider.close?.()));
        await store.close();
      },
    };
  } catch (error) {
    await coordination?.close();
    await store.close();
    throw error;
  }
}
