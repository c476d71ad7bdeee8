import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { AppEnv } from "../app-env";

/** Logs one line per request: method, path, status, time. Never headers or bodies (secrets). */
export function requestLog(logger: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    // The hot path pays nothing for a log line that is not written.
    if (!logger.isLevelEnabled("debug")) {
      await next();
      return;
    }
    const started = performance.now();
    await next();
    logger.debug(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      "request",
    );
  });
}
