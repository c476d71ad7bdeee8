import { describe, expect, it } from "vitest";
import { judgeIdempotencyKey } from "./idempotency-claim";

describe("judgeIdempotencyKey", () => {
  const existing = { requestHash: "h1", expiresAt: 1_000 };
  it("is free without an earlier claim", () => {
    expect(judgeIdempotencyKey(undefined, "h1", 500)).toBe("free");
    expect(judgeIdempotencyKey(null, "h1", 500)).toBe("free");
  });
  it("replays the same body while the claim lasts", () => {
    expect(judgeIdempotencyKey(existing, "h1", 999)).toBe("replay");
  });
  it("refuses another body while the claim lasts", () => {
    expect(judgeIdempotencyKey(existing, "h2", 999)).toBe("key_reused");
  });
  it("is free again from the moment the claim expires, whatever the body", () => {
    expect(judgeIdempotencyKey(existing, "h1", 1_000)).toBe("free");
    expect(judgeIdempotencyKey(existing, "h2", 1_001)).toBe("free");
  });
});
