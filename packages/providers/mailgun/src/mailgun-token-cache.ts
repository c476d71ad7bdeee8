/**
 * The tokens of verified Mailgun requests, so a captured request cannot be posted again. Mailgun's
 * signature covers only `timestamp + token`, not the event, so without this a signature block
 * could be reattached to forged event data within the tolerance window.
 */
export interface MailgunTokenCache {
  /**
   * Records `token` with the digest of the body it came with, until `expiresAtMs`; false when it
   * is recorded with another body and not yet expired. The same body again is let through: it is
   * Mailgun retrying a delivery we failed to store, and the server drops the copy by event id.
   * Check and record happen in one synchronous step.
   */
  claim(token: string, bodyDigest: string, expiresAtMs: number, nowMs: number): boolean;
  readonly size: number;
}

/**
 * Creates an in-memory cache holding at most `maxEntries` tokens. A token only needs keeping
 * while its timestamp is inside the tolerance (older requests are refused as stale anyway), so
 * expired ones are dropped first; past the bound, the oldest recorded one goes.
 */
export function createMailgunTokenCache(maxEntries: number): MailgunTokenCache {
  const expiries = new Map<string, { expiresAtMs: number; bodyDigest: string }>();

  const dropExpired = (nowMs: number) => {
    for (const [token, { expiresAtMs }] of expiries) {
      if (expiresAtMs <= nowMs) {
        expiries.delete(token);
      }
    }
  };

  return {
    claim(token, bodyDigest, expiresAtMs, nowMs) {
      const known = expiries.get(token);
      if (known !== undefined && known.expiresAtMs > nowMs) {
        return known.bodyDigest === bodyDigest;
      }
      expiries.delete(token);
      if (expiries.size >= maxEntries) {
        dropExpired(nowMs);
      }
      const oldest = expiries.keys().next();
      if (expiries.size >= maxEntries && !oldest.done) {
        expiries.delete(oldest.value);
      }
      expiries.set(token, { expiresAtMs, bodyDigest });
      return true;
    },
    get size() {
      return expiries.size;
    },
  };
}
