import { describe, expect, it } from "vitest";
import { countWithinBudget } from "./page-budget";

describe("countWithinBudget", () => {
  it.each([
    { sizes: [], budget: 10, kept: 0, why: "an empty page" },
    { sizes: [3, 3, 3], budget: 10, kept: 3, why: "everything fits" },
    { sizes: [4, 4, 4], budget: 10, kept: 2, why: "stops before the item that would pass" },
    { sizes: [5, 5, 1], budget: 10, kept: 2, why: "exactly the budget still fits" },
    { sizes: [25, 1, 1], budget: 10, kept: 1, why: "keeps one item larger than the budget" },
    { sizes: [1, 25, 1], budget: 10, kept: 1, why: "a large second item waits for the next page" },
  ])("$why", ({ sizes, budget, kept }) => {
    expect(countWithinBudget(sizes, budget)).toBe(kept);
  });
});
