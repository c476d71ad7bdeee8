import { OpenAPIHono } from "@hono/zod-openapi";
import type { App, AppDependencies, AppEnv, Services } from "./app-env";
import { createErrorHandler, errorBody, invalidRequest } from "./errors";
import { requireApiKey } from "./middleware/auth";
import { limitBody } from "./middleware/body-limit";
import { requestContext } from "./middleware/request-context";
import { registerApiKeyRoutes } from "./routes/api-keys/index";
import { registerCaptureRoutes } from "./routes/captures/index";
import { registerDocsRoutes } from "./routes/docs/index";
import { registerEventRoutes } from "./routes/events/index";
import { registerHealthRoutes } from "./routes/health/index";
import { registerInboundWebhookRoutes } from "./routes/inbound-webhooks/index";
import { registerMessageRoutes } from "./routes/messages/index";
import { registerMetricsRoutes } from "./routes/metrics/index";
import { registerOutboundWebhookRoutes } from "./routes/outbound-webhooks/index";
import { registerProviderRoutes } from "./routes/providers/index";
import { registerRoutingRuleRoutes } from "./routes/routing-rules/index";
import { registerSuppressionRoutes } from "./routes/suppressions/index";
import { registerTemplateRoutes } from "./routes/templates/index";
import { registerUnsubscribeRoutes } from "./routes/unsubscribe/index";
import { createApiKeysService } from "./services/api-keys";
import { createCapturesService } from "./services/captures";
import { createDocsAssetsService } from "./services/docs-assets";
import { createEventsService } from "./services/events";
import { createHealthService } from "./services/health";
import { createInboundWebhooksService } from "./services/inbound-webhooks/receive-webhook";
import { createMessagesService } from "./services/messages";
import { createMetricsService } from "./services/metrics";
import { createWebhookEndpointsService } from "./services/outbound-webhooks/webhook-endpoints";
import { createProvidersService } from "./services/providers";
import { createRoutingRulesService } from "./services/routing-rules";
import { createSuppressionsService } from "./services/suppressions";
import {
  createTemplatesService,
  lazyTemplatesLibrary,
} from "./services/templates/templates-service";
import { createUnsubscribeService } from "./services/unsubscribe";

/** Builds the services the routes call from the app's dependencies, once. */
function createServices(dependencies: AppDependencies): Services {
  const { store, providers, breakers, limiter, dispatcher, logger } = dependencies;
  // One renderer per app, loaded on first use: it keeps each compiled version for later renders.
  const templates = createTemplatesService({ store, library: lazyTemplatesLibrary() });
  return {
    messages: createMessagesService({
      store,
      notifyDispatcher: () => dispatcher.notify(),
      sendAtHorizonDays: dependencies.sendAtHorizonDays,
      templates,
      routes: () => dependencies.routing.current(),
      unsubscribeLinks: dependencies.unsubscribeLinks,
      metrics: dependencies.metrics.counters,
    }),
    events: createEventsService({ store }),
    providers: createProvidersService({ store, providers, breakers, limiter }),
    routing: createRoutingRulesService({
      table: dependencies.routing,
      store,
      providers,
      breakers,
      limiter,
      sendAtHorizonDays: dependencies.sendAtHorizonDays,
      templates,
    }),
    suppressions: createSuppressionsService({ store }),
    captures: createCapturesService({ store }),
    health: createHealthService({ store, dispatcher }),
    templates,
    webhookEndpoints: createWebhookEndpointsService({
      store,
      outbound: dependencies.outbound,
      notify: () => dependencies.outboundWorker.notify(),
    }),
    inboundWebhooks: createInboundWebhooksService({
      store,
      endpoints: dependencies.inboundWebhookEndpoints,
      logger,
      metrics: dependencies.metrics.counters,
      // Certificates and subscription confirmations are fetched from pinned hosts: never follow
      // a redirect away from them.
      fetch: dependencies.fetch ?? ((input, init) => fetch(input, { ...init, redirect: "error" })),
    }),
    unsubscribe: createUnsubscribeService({ store, links: dependencies.unsubscribeLinks }),
    apiKeys: createApiKeysService({ store, adminKey: dependencies.adminKey }),
    metrics: createMetricsService(dependencies.metrics),
    docs: createDocsAssetsService(),
  };
}

/** Builds the HTTP app from explicit dependencies; nothing here reads the environment. */
export function createApp(dependencies: AppDependencies): App {
  const { logger } = dependencies;
  const services = createServices(dependencies);
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw invalidRequest(result.error.issues);
      }
    },
  });
  app.use(requestContext(services, logger));
  const limit = limitBody(dependencies.bodyLimitBytes);
  app.use("/v1/*", limit);
  app.use("/webhooks/*", limit);
  app.use("/u/*", limit);
  app.use("/v1/*", requireApiKey(services.apiKeys.verify));
  registerHealthRoutes(app);
  registerApiKeyRoutes(app);
  registerMessageRoutes(app);
  registerProviderRoutes(app);
  registerRoutingRuleRoutes(app);
  registerOutboundWebhookRoutes(app);
  registerCaptureRoutes(app);
  registerEventRoutes(app);
  registerSuppressionRoutes(app);
  registerTemplateRoutes(app);
  registerInboundWebhookRoutes(app);
  registerUnsubscribeRoutes(app);
  registerMetricsRoutes(app);
  registerDocsRoutes(app);
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description:
      "A mailroute API key (`mr_…`, from `POST /v1/api-keys`, `mailroute keys create` or printed on first start), or `MAILROUTE_API_KEY`. A key's scopes decide what it may call: `admin` everything, `send` sending, rendering and its own messages, `read` every GET; outside them the answer is 403.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "metricsToken", {
    type: "http",
    scheme: "bearer",
    description: "The `metrics.token` of the configuration; only `GET /metrics` takes it.",
  });
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "mailroute",
      version: "0.1.0",
      description: "Multi-provider transactional email routing proxy",
    },
    // The origin this document was fetched from: a generated client calls the same mailroute.
    servers: [{ url: new URL(c.req.url).origin, description: "This mailroute" }],
    security: [{ apiKey: [] }],
  }));
  app.notFound((c) =>
    c.json(
      errorBody(
        "NOT_FOUND",
        `no route for ${c.req.method} ${c.req.path}`,
        [],
        c.get("requestId") ?? "",
      ),
      404,
    ),
  );
  app.onError(createErrorHandler(logger));
  return app;
}
