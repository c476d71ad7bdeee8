import { describe, expect, it } from "vitest";
import type { FreshStore } from "./contract-store";

/** The moment the replay-key tests claim at. */
export const now = new Date("2026-03-01T12:00:00Z");

/** `seconds` after {@link now}. */
export const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

/** A claim of Mailgun's "token-1" with body "digest-a" for 300 s, at {@link now}, for tests to vary. */
export function claim(
  overrides: { key?: string; bodyDigest?: string | null; provider?: string } = {},
) {
  return {
    provider: overrides.provider ?? "mailgun",
    key: overrides.key ?? "token-1",
    bodyDigest: overrides.bodyDigest === undefined ? "digest-a" : overrides.bodyDigest,
    expiresAt: later(300),
    now,
  };
}

/** Webhook replay claims: same body, another body, per provider, expiry. */
export function replayKeysContract(fresh: FreshStore): void {
  describe("claimWebhookReplayKey", () => {
    it("grants a new key, grants it again with the same body, and refuses it with another", async () => {
      const store = await fresh();
      expect(await store.claimWebhookReplayKey(claim())).toBe(true);
      expect(await store.claimWebhookReplayKey(claim())).toBe(true);
      expect(await store.claimWebhookReplayKey(claim({ bodyDigest: "digest-b" }))).toBe(false);
      // The refusal left the first claim as it was.
      expect(await store.claimWebhookReplayKey(claim())).toBe(true);
      expect(await store.claimWebhookReplayKey(claim({ bodyDigest: "digest-b" }))).toBe(false);
    });

    it("refuses any second use of a key claimed without a body digest", async () => {
      const store = await fresh();
      expect(await store.claimWebhookReplayKey(claim({ bodyDigest: null }))).toBe(true);
      expect(await store.claimWebhookReplayKey(claim({ bodyDigest: null }))).toBe(false);
      expect(await store.claimWebhookReplayKey(claim({ bodyDigest: "digest-a" }))).toBe(false);
    });

    it("keeps each provider's keys apart", async () => {
      const store = await fresh();
      expect(await store.claimWebhookReplayKey(claim({ provider: "mailgun-eu" }))).toBe(true);
      expect(
        await store.claimWebhookReplayKey(
          claim({ provider: "mailgun-us", bodyDigest: "digest-b" }),
        ),
      ).toBe(true);
    });

    it("grants a key again, with any body, once its claim has expired", async () => {
      const store = await fresh();
      await store.claimWebhookReplayKey(claim({ bodyDigest: null }));
      const atExpiry = { ...claim({ bodyDigest: "digest-b" }), now: later(300) };
      expect(await store.claimWebhookReplayKey({ ...atExpiry, now: later(299) })).toBe(false);
      expect(await store.claimWebhookReplayKey({ ...atExpiry, expiresAt: later(600) })).toBe(true);
      // The new claim holds until its own expiry.
      expect(
        await store.claimWebhookReplayKey({
          ...claim({ bodyDigest: "digest-c" }),
          now: later(400),
        }),
      ).toBe(false);
    });
  });
}
