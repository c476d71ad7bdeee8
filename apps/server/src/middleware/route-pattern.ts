import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/**
 * The pattern of the route that answers this request (`/v1/messages/:id`), or null when no
 * route matched (a 404). Middleware are registered for every method; an endpoint for one.
 */
export function routePattern(c: Context): string | null {
  const routes = matchedRoutes(c);
  for (let index = routes.length - 1; index >= 0; index -= 1) {
    const route = routes[index];
    if (route && route.method !== "ALL") {
      return route.path;
    }
  }
  return null;
}
