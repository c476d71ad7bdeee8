import {
  findUnknownProviders,
  MailrouteError,
  type MailStore,
  type RouteConfig,
  routesSchema,
} from "@mailroute/core";
import { formatIssues, formatPath } from "../format-issues";

/** The routes in force and where they came from. */
export interface RoutingState {
  routes: RouteConfig[];
  source: "configuration" | "api";
  updatedAt: string | null;
}

/** Holds the routes the dispatcher uses; replacing them persists first, then swaps atomically. */
export interface RoutingService {
  current(): readonly RouteConfig[];
  state(): RoutingState;
  replace(raw: unknown): Promise<RoutingState>;
}

/** Validates routes against the schema and the providers that can send. */
export function parseRoutes(raw: unknown, senders: readonly string[]): RouteConfig[] {
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
  const unknown = findUnknownProviders(parsed.data, senders);
  if (unknown.length > 0) {
    throw new MailrouteError("VALIDATION_ERROR", "the routes name providers that cannot send", {
      details: unknown.map((problem) => ({
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
export async function createRoutingService(input: {
  store: MailStore;
  configured: RouteConfig[];
  senders: readonly string[];
}): Promise<RoutingService> {
  const saved = await input.store.loadRoutes();
  let state: RoutingState = saved
    ? {
        routes: parseRoutes(saved.routes, input.senders),
        source: "api",
        updatedAt: saved.updatedAt,
      }
    : { routes: input.configured, source: "configuration", updatedAt: null };
  return {
    current: () => state.routes,
    state: () => state,
    async replace(raw) {
      const routes = parseRoutes(raw, input.senders);
      const at = new Date();
      await input.store.saveRoutes(routes, at);
      state = { routes, source: "api", updatedAt: at.toISOString() };
      return state;
    },
  };
}
