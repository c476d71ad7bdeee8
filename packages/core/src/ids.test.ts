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

  it("never repeats a random part across many refills of its random pool", () => {
    const randomParts = new Set<string>();
    for (let index = 0; index < 20_000; index += 1) {
      // A new millisecond each time, so every id draws fresh random digits.
      randomParts.add(newId("evt", index).slice(14));
    }
    expect(randomParts.size).toBe(20_000);
  });

  it("sorts ids made for the same millisecond in the order they were made", () => {
    const ids = Array.from({ length: 1000 }, () => newId("att", 1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
  });
});
