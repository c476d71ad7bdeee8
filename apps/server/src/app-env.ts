import type { OpenAPIHono } from "@hono/zod-openapi";
import type {
  EmailProvider,
  MailStore,
  ProviderBreakers,
  ProviderLimiter,
  TemplateStore,
  WebhookOutboxStore,
} from "@mailroute/core";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { ApiKeysService, Principal } from "./services/api-keys";
import type { CapturesService } from "./services/captures";
import type { Dispatcher } from "./services/dispatcher";
import type { DocsAssetsService } from "./services/docs-assets";
import type { EventsService } from "./services/events";
import type { HealthService } from "./services/health";
import type { InboundWebhookEndpoint } from "./services/inbound-webhooks/create-inbound-webhook-endpoints";
import type { InboundWebhooksService } from "./services/inbound-webhooks/receive-webhook";
import type { MessagesService } from "./services/messages";
import type { MetricsService, ServerMetrics } from "./services/metrics";
import type { OutboundWorker } from "./services/outbound-webhooks/outbound-worker";
import type { WebhookEndpointsService } from "./services/outbound-webhooks/webhook-endpoints";
import type { ProvidersService } from "./services/providers";
import type { RouteTable, RoutingRulesService } from "./services/routing-rules";
import type { SuppressionsService } from "./services/suppressions";
import type { TemplatesService } from "./services/templates/templates-service";
import type { UnsubscribeLinks, UnsubscribeService } from "./services/unsubscribe";

/** What `createApp` is built from; tests pass their own. */
export interface AppDependencies {
  store: MailStore & WebhookOutboxStore & TemplateStore;
  providers: ReadonlyMap<string, EmailProvider>;
  breakers: ProviderBreakers;
  limiter: ProviderLimiter;
  /** The routes in force, shared with the dispatcher. */
  routing: RouteTable;
  dispatcher: Dispatcher;
  outboundWorker: OutboundWorker;
  /** Which endpoint addresses outbound webhooks may reach. */
  outbound: { allowLoopback: boolean; allowPrivate: boolean };
  logger: Logger;
  adminKey?: string | undefined;
  bodyLimitBytes: number;
  /** How far ahead a message's `sendAt` may be. */
  sendAtHorizonDays: number;
  /** Signs and checks one-click unsubscribe links. */
  unsubscribeLinks: UnsubscribeLinks;
  /** Providers that receive webhooks, by configured name. */
  inboundWebhookEndpoints: ReadonlyMap<string, InboundWebhookEndpoint>;
  /** Used to fetch SNS signing certificates and confirm subscriptions; tests inject their own. */
  fetch?: typeof fetch;
  /** The app's Prometheus registry, what counts into it, and `metrics.token` when set. */
  metrics: { registry: Registry; counters: ServerMetrics; token?: string | undefined };
}

/** The services routes call, built once per app: each owns its store calls. */
export interface Services {
  messages: MessagesService;
  events: EventsService;
  providers: ProvidersService;
  routing: RoutingRulesService;
  suppressions: SuppressionsService;
  captures: CapturesService;
  health: HealthService;
  /** Stored templates, rendered into messages at accept. */
  templates: TemplatesService;
  /** The application's own webhook endpoints (outbound webhooks). */
  webhookEndpoints: WebhookEndpointsService;
  /** Providers' webhooks (inbound webhooks). */
  inboundWebhooks: InboundWebhooksService;
  /** One-click unsubscribe links (`/u/:token`). */
  unsubscribe: UnsubscribeService;
  /** API keys: create, list, revoke, and verify each request's. */
  apiKeys: ApiKeysService;
  /** `GET /metrics`: the Prometheus exposition, behind its token or the loopback rule. */
  metrics: MetricsService;
  /** Swagger UI's files for the `/docs` page, from the installed package. */
  docs: DocsAssetsService;
}

/** Hono's environment for every route: typed context variables. */
export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    services: Services;
  };
}

/** The app type routes register on. */
export type App = OpenAPIHono<AppEnv>;
