import { MailrouteError } from "@mailroute/core";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/**
 * Refuses bodies larger than `maxBytes` with 413. A request that declares its length is judged by
 * its Content-Length header alone (the server reads no more than that), which keeps the body on
 * @hono/node-server's fast path; only a chunked body is counted while it streams, by Hono's own
 * middleware.
 */
export function limitBody(maxBytes: number) {
  const tooLarge = () => {
    throw new MailrouteError("PAYLOAD_TOO_LARGE", `request body is larger than ${maxBytes} bytes`);
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return createMiddleware<AppEnv>(async (c, next) => {
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (Number.parseInt(length, 10) > maxBytes) {
        tooLarge();
      }
      await next();
      return;
    }
    if (c.req.method === "GET" || c.req.method === "HEAD") {
      await next();
      return;
    }
    await streamed(c, next);
  });
}
