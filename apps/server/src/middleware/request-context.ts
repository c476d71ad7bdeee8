import { newId } from "@mailroute/core";
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { AppEnv, Services } from "../app-env";
import { routePattern } from "./route-pattern";

// An id the caller sent is kept when it is short and plain; otherwise one is made.
const acceptableRequestId = /^[\w\-=]{1,255}$/;

/**
 * The first middleware of every request, in one step: the request id (the caller's
 * `X-Request-Id` or a new `req_…`, echoed in the answer), the services, and at `info` one access
 * line per request: request id, method, the route's pattern (`/v1/messages/:id`, never the path
 * with its ids or the query string), status and time. Never headers or bodies (secrets).
 */
export function requestContext(services: Services, logger: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const presented = c.req.header("x-request-id");
    const requestId =
      presented !== undefined && acceptableRequestId.test(presented) ? presented : newId("req");
    c.set("requestId", requestId);
    c.set("services", services);
    c.header("X-Request-Id", requestId);
    // The hot path pays nothing for a log line that is not written.
    if (!logger.isLevelEnabled("info")) {
      await next();
      return;
    }
    const started = performance.now();
    await next();
    logger.info(
      {
        requestId,
        method: c.req.method,
        route: routePattern(c),
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      },
      "request",
    );
  });
}
