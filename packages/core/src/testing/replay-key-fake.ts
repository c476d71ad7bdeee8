import type { ReplayClaim } from "../webhooks/provider-webhook";

/** An in-memory stand-in for the store's webhook replay claims, for provider tests. */
export interface ReplayKeyFake {
  /** What the server puts in `WebhookContext.claimReplayKey`. */
  claimReplayKey(claim: ReplayClaim): Promise<boolean>;
  /** Every claim made, granted or not, in order. */
  readonly claims: ReplayClaim[];
}

/**
 * Creates a fake with the store's rule: a new key is granted, a held key only again with the
 * same non-null body digest. Keys never expire here (the store's own tests cover expiry), and
 * the check happens when the call is made, as the store's single statement does.
 */
export function createReplayKeyFake(): ReplayKeyFake {
  const held = new Map<string, string | null>();
  const claims: ReplayClaim[] = [];
  return {
    claims,
    claimReplayKey(claim) {
      claims.push(claim);
      if (!held.has(claim.key)) {
        held.set(claim.key, claim.bodyDigest);
        return Promise.resolve(true);
      }
      const digest = held.get(claim.key);
      return Promise.resolve(digest !== null && digest === claim.bodyDigest);
    },
  };
}
