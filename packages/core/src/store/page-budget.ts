/**
 * About how many bytes of JSON one page of a list may carry. A page stops early before it would
 * pass this, and its `nextCursor` says where to continue, so one request never builds an answer
 * of hundreds of megabytes however large the stored items are.
 */
export const pageBudgetBytes = 1_000_000;

/**
 * How many of a page's items, taken in order, fit in `budget` bytes: it stops before the item
 * that would pass the budget, but always keeps the first one, so a client that follows the
 * cursor always progresses, even past one item larger than the budget.
 */
export function countWithinBudget(sizes: readonly number[], budget = pageBudgetBytes): number {
  let total = 0;
  for (const [index, size] of sizes.entries()) {
    total += size;
    if (total > budget && index > 0) {
      return index;
    }
  }
  return sizes.length;
}
