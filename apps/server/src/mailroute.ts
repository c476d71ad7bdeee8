import { type BreakerTransition, ProviderBreakers, ProviderLimiter } from "@mailroute/core";
import { createSqliteStore } from "@mailroute/store";
import type { Logger } from "pino";
import { createApp } from "./app";
import type { App } from "./app-env";
import type { MailrouteConfig } from "./config";
import { createProviders } from "./providers";
import { createApiKey } from "./services/api-keys";
import { createDispatcher, type Dispatcher } from "./services/dispatcher";
import { createOutboundWorker, type OutboundWorker } from "./services/outbound-worker";
import { createRoutingService } from "./services/routing";
import { createWebhookEndpoints } from "./webhooks";

/** A wired mailroute: the app, its worker and how to stop them. */
export interface Mailroute {
  app: App;
  dispatcher: Dispatcher;
  outboundWorker: OutboundWorker;
  /** The API key created on first start, shown once; null when keys already existed. */
  firstKey: string | null;
  databasePath: string;
  close(): Promise<void>;
}

/** Wires store, providers, breakers, dispatcher and app from a validated configuration. */
export async function createMailroute(options: {
  config: MailrouteConfig;
  logger: Logger;
  adminKey?: string | undefined;
  databasePath?: string | undefined;
}): Promise<Mailroute> {
  const { config, logger } = options;
  const databasePath = options.databasePath ?? config.database;
  const store = createSqliteStore({ path: databasePath, synchronous: config.synchronous });
  try {
    const providers = createProviders(config.providers, { store });
    const breakers = new ProviderBreakers(
      [...providers.keys()],
      config.breaker,
      (transition: BreakerTransition) =>
        logger.warn(transition, `breaker of ${transition.provider} is now ${transition.to}`),
    );
    const limits = new Map(
      config.providers.flatMap((entry) =>
        entry.limits ? [[entry.name, entry.limits] as const] : [],
      ),
    );
    const limiter = new ProviderLimiter(limits);
    const today = new Date();
    today.setUTCHours(0, 0, 0, 0);
    for (const [provider, count] of Object.entries(await store.countAcceptedSince(today))) {
      limiter.seedDailyCount(provider, count);
    }
    const routing = await createRoutingService({
      store,
      configured: config.routes,
      senders: [...providers.keys()],
    });
    const dispatcher = createDispatcher({
      store,
      providers,
      breakers,
      limiter,
      routes: () => routing.current(),
      logger,
      settings: { ...config.dispatch, retry: config.retry, onAmbiguous: config.onAmbiguous },
    });
    const webhookEndpoints = createWebhookEndpoints(config.providers);
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
    const outboundWorker = createOutboundWorker({ store, settings: config.outbound, logger });
    let firstKey: string | null = null;
    if ((await store.countApiKeys()) === 0 && !options.adminKey) {
      firstKey = (await createApiKey(store, "first key")).key;
    }
    const app = createApp({
      store,
      providers,
      breakers,
      limiter,
      routing,
      dispatcher,
      outboundWorker,
      outbound: {
        allowLoopback: config.outbound.allowLoopback,
        allowPrivate: config.outbound.allowPrivate,
      },
      logger,
      adminKey: options.adminKey,
      bodyLimitBytes: config.server.bodyLimitBytes,
      webhookEndpoints,
    });
    return {
      app,
      dispatcher,
      outboundWorker,
      firstKey,
      databasePath,
      async close() {
        await dispatcher.stop();
        await outboundWorker.stop();
        breakers.shutdown();
        await Promise.all([...providers.values()].map((provider) => provider.close?.()));
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
