/** An idempotency key as stored, as far as deciding a new request needs. */
export interface StoredIdempotencyKey {
  requestHash: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * What an earlier claim of an idempotency key decides for a request at `now`: `replay` the
 * earlier answer (same body), `key_reused` (another body), or `free` when there is no claim or it
 * has expired, and the request takes the key (replacing an expired claim).
 */
export function judgeIdempotencyKey(
  existing: StoredIdempotencyKey | null | undefined,
  requestHash: string,
  now: number,
): "free" | "replay" | "key_reused" {
  if (!existing || existing.expiresAt <= now) {
    return "free";
  }
  return existing.requestHash === requestHash ? "replay" : "key_reused";
}
