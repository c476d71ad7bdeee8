import { describe, expect, it } from "vitest";
import { createReplayGuard } from "./resend-replay-guard";

describe("createReplayGuard", () => {
  it("refuses a key it holds until the key expires", () => {
    const guard = createReplayGuard(10);
    expect(guard.accept("a", 1_000, 0)).toBe(true);
    expect(guard.accept("a", 1_000, 999)).toBe(false);
    expect(guard.accept("a", 3_000, 1_000)).toBe(true);
  });

  it("forgets the oldest key when full", () => {
    const guard = createReplayGuard(2);
    guard.accept("a", 10_000, 0);
    guard.accept("b", 10_000, 0);
    guard.accept("c", 10_000, 0);
    expect(guard.accept("b", 10_000, 0)).toBe(false);
    expect(guard.accept("a", 10_000, 0)).toBe(true);
  });
});
