import { describe, expect, it } from "vitest";
import { newId } from "./ids";

describe("newId", () => {
  it("is prefixed, 24 base-36 characters long, and sorts by its time", () => {
    const early = newId("msg", 1_700_000_000_000);
    const late = newId("msg", 1_700_000_000_001);
    expect(early).toMatch(/^msg_[0-9a-z]{24}$/);
    expect(early.slice(4, 14)).toBe((1_700_000_000_000).toString(36).padStart(10, "0"));
    expect(early < late).toBe(true);
  });

  it("never repeats across many refills of its random pool", () => {
    const ids = new Set<string>();
    for (let index = 0; index < 20_000; index += 1) {
      ids.add(newId("evt", 0));
    }
    expect(ids.size).toBe(20_000);
  });
});
