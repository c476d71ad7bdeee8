const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
const randomLength = 14;

// Random bytes are drawn 4 KB at a time: one getRandomValues call per id cost more than the rest
// of building it.
const pool = new Uint8Array(randomLength * 292);
let used = pool.length;

// The random part of the last id, as base-36 digits, and the millisecond it was made for.
const last = new Uint8Array(randomLength);
let lastTime = Number.NaN;

/**
 * Creates a prefixed, time-ordered id (`msg_…`, `att_…`, `evt_…`): 10 base-36 characters of
 * milliseconds followed by 14 random ones, so ids sort by creation time and insert in index order.
 * Ids made by this process for the same millisecond continue from the previous one (its random
 * part plus one), so they also sort in the order they were made.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  if (now === lastTime) {
    let index = randomLength - 1;
    while (index > 0 && last[index] === 35) {
      last[index] = 0;
      index -= 1;
    }
    last[index] = ((last[index] ?? 0) + 1) % 36;
  } else {
    if (used + randomLength > pool.length) {
      crypto.getRandomValues(pool);
      used = 0;
    }
    for (let index = 0; index < randomLength; index += 1) {
      last[index] = (pool[used + index] ?? 0) % 36;
    }
    used += randomLength;
    lastTime = now;
  }
  let random = "";
  for (const digit of last) {
    random += alphabet[digit];
  }
  return `${prefix}_${now.toString(36).padStart(10, "0")}${random}`;
}
