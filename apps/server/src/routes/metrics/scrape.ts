import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { App, AppEnv } from "../../app-env";
import { errorResponses } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/metrics",
  operationId: "getMetrics",
  summary: "Prometheus metrics",
  description:
    "The Prometheus text exposition: accepted and finished messages, provider attempts and their latency, breaker states, the dispatch queue, provider webhooks and outbound deliveries, and the process's own metrics. Not an API-key route: with `metrics.token` configured it needs that bearer token (401 otherwise); without one it answers only requests from a loopback address that did not come through a proxy (403 otherwise).",
  security: [{ metricsToken: [] }, {}],
  responses: {
    200: {
      description: "The metrics, in the Prometheus text format 0.0.4",
      content: { "text/plain": { schema: z.string() } },
    },
    ...errorResponses(
      [401, "metrics.token is configured and the request did not bear it"],
      [403, "No metrics.token is configured and the request is not from loopback"],
    ),
  },
});

/** The TCP peer of a request served by @hono/node-server; undefined otherwise (app.request). */
function remoteAddressOf(c: Context<AppEnv>): string | undefined {
  const bindings = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return bindings?.incoming?.socket?.remoteAddress;
}

/** `GET /metrics`. */
export function registerScrapeMetrics(app: App): void {
  app.openAPIRegistry.registerPath(route);
  app.get("/metrics", async (c) => {
    const { contentType, body } = await c.get("services").metrics.scrape({
      authorization: c.req.header("authorization"),
      remoteAddress: remoteAddressOf(c),
      forwarded:
        c.req.header("forwarded") !== undefined || c.req.header("x-forwarded-for") !== undefined,
    });
    return c.body(body, 200, { "content-type": contentType, "cache-control": "no-store" });
  });
}
