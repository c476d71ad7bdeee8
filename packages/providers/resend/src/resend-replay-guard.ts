/** Remembers recently accepted deliveries, so the same signed request is refused a second time. */
export interface ReplayGuard {
  /** False when `key` was accepted before and is still remembered; otherwise remembers it. */
  accept(key: string, expiresAtMs: number, nowMs: number): boolean;
}

/**
 * An in-memory guard holding at most `capacity` keys. A key is only needed until its timestamp
 * leaves the tolerance window (after that the timestamp check refuses the request), and keys
 * arrive roughly in expiry order, so expired ones are dropped from the oldest end.
 */
export function createReplayGuard(capacity: number): ReplayGuard {
  const expiries = new Map<string, number>();
  return {
    accept(key, expiresAtMs, nowMs) {
      for (const [oldKey, expiry] of expiries) {
        if (expiry > nowMs) {
          break;
        }
        expiries.delete(oldKey);
      }
      const known = expiries.get(key);
      if (known !== undefined && known > nowMs) {
        return false;
      }
      if (expiries.size >= capacity) {
        const oldest = expiries.keys().next();
        if (!oldest.done) {
          expiries.delete(oldest.value);
        }
      }
      expiries.set(key, expiresAtMs);
      return true;
    },
  };
}
