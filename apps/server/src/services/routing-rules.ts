import {
  createPlanChecks,
  type EmailProvider,
  findUnknownProviders,
  findUnusableDefaults,
  MailrouteError,
  type MailStore,
  type ProviderBreakers,
  type ProviderLimiter,
  planRoute,
  type RouteConfig,
  recipientsOf,
  routesSchema,
  type SendMessageInput,
  type SkippedProvider,
} from "@mailroute/core";
import { formatIssues, formatPath } from "../format-issues";
import { checkSendAt, composeMessage } from "./messages";
import type { TemplatesService } from "./templates/templates-service";

/** The routes in force and where they came from. */
export interface RoutingState {
  routes: RouteConfig[];
  source: "configuration" | "api";
  updatedAt: string | null;
}

/** Holds the routes the dispatcher uses; replacing them persists first, then swaps atomically. */
export interface RouteTable {
  current(): readonly RouteConfig[];
  state(): RoutingState;
  replace(raw: unknown): Promise<RoutingState>;
  /**
   * Puts in force the routes another instance on the same database saved since they were last
   * read; keeps the current ones (and says why) when the saved ones do not fit this instance.
   */
  refresh(): Promise<void>;
}

/** What routes are checked against besides their schema. */
export interface RouteRequirements {
  /** The providers that can send. */
  senders: readonly string[];
  /** Whether one-click unsubscribe links can be made (`server.publicUrl` is set). */
  unsubscribe: boolean;
}

/** Validates routes against the schema, the providers that can send and what is configured. */
export function parseRoutes(raw: unknown, requirements: RouteRequirements): RouteConfig[] {
  const parsed = routesSchema.safeParse(raw);
  if (!parsed.success) {
    throw new MailrouteError("VALIDATION_ERROR", "the routes are invalid; see details", {
      details: formatIssues(parsed.error.issues, ["routes"]),
    });
  }
  if (parsed.data.length === 0) {
    throw new MailrouteError("VALIDATION_ERROR", "at least one route is required", {
      details: [{ path: "routes", message: "must not be empty" }],
    });
  }
  const unknown = findUnknownProviders(parsed.data, requirements.senders);
  if (unknown.length > 0) {
    throw new MailrouteError("VALIDATION_ERROR", "the routes name providers that cannot send", {
      details: unknown.map((problem) => ({
        path: formatPath(["routes", ...problem.path]),
        message: problem.message,
      })),
    });
  }
  const unusable = findUnusableDefaults(parsed.data, requirements);
  if (unusable.length > 0) {
    throw new MailrouteError("VALIDATION_ERROR", "the routes' defaults need configuration", {
      details: unusable.map((problem) => ({
        path: formatPath(["routes", ...problem.path]),
        message: problem.message,
      })),
    });
  }
  return parsed.data;
}

/**
 * Starts from the routes saved through the API when there are any, else the configuration's
 * (the configuration file is the seed).
 */
export async function loadRouteTable(input: {
  store: MailStore;
  configured: RouteConfig[];
  requirements: RouteRequirements;
}): Promise<RouteTable> {
  const saved = await input.store.loadRoutes();
  let state: RoutingState = saved
    ? {
        routes: parseRoutes(saved.routes, input.requirements),
        source: "api",
        updatedAt: saved.updatedAt,
      }
    : { routes: input.configured, source: "configuration", updatedAt: null };
  return {
    current: () => state.routes,
    state: () => state,
    async replace(raw) {
      const routes = parseRoutes(raw, input.requirements);
      const at = new Date();
      await input.store.saveRoutes(routes, at);
      state = { routes, source: "api", updatedAt: at.toISOString() };
      return state;
    },
    async refresh() {
      const latest = await input.store.loadRoutes();
      if (!latest || latest.updatedAt === state.updatedAt) {
        return;
      }
      state = {
        routes: parseRoutes(latest.routes, input.requirements),
        source: "api",
        updatedAt: latest.updatedAt,
      };
    },
  };
}

/** How a message would be routed now, and which of its recipients are suppressed. */
export interface RouteSimulation {
  route: string | null;
  plan: string[];
  skipped: SkippedProvider[];
  suppressed: string[];
}

/** The routing rules resource: read and replace the routes, and dry-run a message through them. */
export interface RoutingRulesService {
  /** The routes in force and where they came from. */
  get(): RoutingState;
  /** Validates, saves and puts new routes in force; VALIDATION_ERROR with details otherwise. */
  put(raw: unknown): Promise<RoutingState>;
  /** Plans a message exactly as a dispatch would, without storing or sending it. */
  simulate(input: SendMessageInput): Promise<RouteSimulation>;
}

/** Builds the routing rules service over the route table, the provider guards and the store. */
export function createRoutingRulesService(dependencies: {
  table: RouteTable;
  store: Pick<MailStore, "findSuppressions">;
  providers: ReadonlyMap<string, EmailProvider>;
  breakers: ProviderBreakers;
  limiter: ProviderLimiter;
  /** How far ahead a message's `sendAt` may be. */
  sendAtHorizonDays: number;
  /** Renders a message's stored template, as an accept would. */
  templates: Pick<TemplatesService, "renderForMessage">;
}): RoutingRulesService {
  const { table, store } = dependencies;
  return {
    get: () => table.state(),
    put: (raw) => table.replace(raw),
    async simulate(input) {
      checkSendAt(input, new Date(), dependencies.sendAtHorizonDays);
      // Rendered and with the route's defaults, as an accept would store it: size and features
      // decide eligibility too.
      const { message } = await composeMessage("msg_simulation", input, {
        templates: dependencies.templates,
        routes: () => table.current(),
      });
      const suppressed = (await store.findSuppressions(recipientsOf(message))).map(
        (entry) => entry.email,
      );
      // The same checks a real dispatch plans with, so a simulation skips what it would skip.
      const plan = planRoute(message, [...table.current()], createPlanChecks(dependencies));
      return {
        route: plan?.route ?? null,
        plan: plan?.plan ?? [],
        skipped: plan?.skipped ?? [],
        suppressed,
      };
    },
  };
}
