/**
 * What an API key may do: `admin` everything, `send` send and render messages and read the ones it
 * sent, `read` every `GET`.
 */
export const apiKeyScopes = ["admin", "send", "read"] as const;

/** A scope from {@link apiKeyScopes}. */
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** An HTTP method and a route pattern as the router names it (`/v1/messages/:id`). */
export interface ScopeRule {
  method: string;
  pattern: string;
  /** The scopes besides `admin` that may call it. */
  scopes: readonly Exclude<ApiKeyScope, "admin">[];
}

/**
 * The one table of which scope each `/v1` route needs. A route not listed needs `read` when it
 * is a `GET` and `admin` otherwise; `admin` may call every route.
 */
export const scopeRules: readonly ScopeRule[] = [
  { method: "POST", pattern: "/v1/messages", scopes: ["send"] },
  { method: "POST", pattern: "/v1/messages/batch", scopes: ["send"] },
  { method: "POST", pattern: "/v1/templates/:id/render", scopes: ["send"] },
  // A send key reads only the messages it sent (the messages service filters them).
  { method: "GET", pattern: "/v1/messages", scopes: ["read", "send"] },
  { method: "GET", pattern: "/v1/messages/:id", scopes: ["read", "send"] },
];

/** The scopes that may call a route, `admin` first. */
export function scopesFor(method: string, pattern: string): readonly ApiKeyScope[] {
  const upper = method.toUpperCase();
  const rule = scopeRules.find((entry) => entry.method === upper && entry.pattern === pattern);
  if (rule) {
    return ["admin", ...rule.scopes];
  }
  return upper === "GET" || upper === "HEAD" ? ["admin", "read"] : ["admin"];
}

/**
 * The scope a key lacks to call a route (the narrowest one that would do), or null when one of
 * its scopes allows it.
 */
export function missingScope(
  held: readonly ApiKeyScope[],
  method: string,
  pattern: string,
): ApiKeyScope | null {
  const allowed = scopesFor(method, pattern);
  if (allowed.some((scope) => held.includes(scope))) {
    return null;
  }
  return allowed[allowed.length - 1] ?? "admin";
}

/**
 * Whether a key sees only the messages it accepted itself: a `send` key without `read` or
 * `admin`.
 */
export function seesOwnMessagesOnly(held: readonly ApiKeyScope[]): boolean {
  return !held.includes("admin") && !held.includes("read");
}
