import { MailrouteError } from "@mailroute/core";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Principal } from "../services/api-keys";

/** Requires `Authorization: Bearer <key>`; a missing or wrong key is 401. */
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
    c.set("principal", principal);
    await next();
  });
}
