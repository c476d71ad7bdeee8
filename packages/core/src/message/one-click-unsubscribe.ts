/** The headers of RFC 8058 one-click unsubscribe, which mailroute sets for `unsubscribe: true`. */
export const unsubscribeHeaderNames = ["List-Unsubscribe", "List-Unsubscribe-Post"] as const;

/** The path under `server.publicUrl` where a token's unsubscribe page and one-click POST live. */
export const unsubscribePathPrefix = "/u/";

/** The names of the unsubscribe headers a caller set itself (as spelt), in any letter case. */
export function callerUnsubscribeHeaders(headers: Record<string, string> | undefined): string[] {
  const reserved = unsubscribeHeaderNames.map((name) => name.toLowerCase());
  return Object.keys(headers ?? {}).filter((name) => reserved.includes(name.toLowerCase()));
}

/** The public address of one token: `{publicUrl}/u/{token}`, whatever slash `publicUrl` ends with. */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, "")}${unsubscribePathPrefix}${token}`;
}

/**
 * The two headers that make an unsubscribe one-click (RFC 8058 §3.1): an HTTPS URI in
 * `List-Unsubscribe` (RFC 2369, in angle brackets) and the fixed `List-Unsubscribe-Post` value
 * that tells the mailbox provider to POST `List-Unsubscribe=One-Click` to it.
 */
export function oneClickUnsubscribeHeaders(url: string): Record<string, string> {
  return {
    "List-Unsubscribe": `<${url}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}
