import { MailrouteError, missingScope } from "@mailroute/core";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Principal } from "../services/api-keys";
import { routePattern } from "./route-pattern";

/**
 * Requires `Authorization: Bearer <key>`; a missing or wrong key is 401, and a key whose scopes
 * do not allow the route (core's `scopeRules`) is 403 naming the scope it needs.
 */
export function requireApiKey(
  verify: (key: string) => Principal | null | Promise<Principal | null>,
) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new MailrouteError(
        "UNAUTHORIZED",
        "send your API key as 'Authorization: Bearer <key>'",
      );
    }
    const verified = verify(match[1]);
    const principal = verified instanceof Promise ? await verified : verified;
    if (!principal) {
      throw new MailrouteError("UNAUTHORIZED", "the API key is not valid");
    }
    // No route matched: the 404 says so to every key.
    const pattern = routePattern(c);
    const needed = pattern === null ? null : missingScope(principal.scopes, c.req.method, pattern);
    if (needed !== null) {
      throw new MailrouteError(
        "FORBIDDEN",
        `this API key may not call ${c.req.method} ${pattern}: it needs the '${needed}' scope`,
        { details: [{ path: "scopes", message: `needs '${needed}'` }] },
      );
    }
    c.set("principal", principal);
    await next();
  });
}
