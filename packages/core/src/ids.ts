const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
const randomLength = 14;

// Random bytes are drawn 4 KB at a time: one getRandomValues call per id cost more than the rest
// of building it.
const pool = new Uint8Array(randomLength * 292);
let used = pool.length;

/**
 * Creates a prefixed, time-ordered id (`msg_…`, `att_…`, `evt_…`): 10 base-36 characters of
 * milliseconds followed by 14 random ones, so ids sort by creation time and insert in index order.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  if (used === pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  let random = "";
  for (let index = used; index < used + randomLength; index += 1) {
    random += alphabet[(pool[index] ?? 0) % 36];
  }
  used += randomLength;
  return `${prefix}_${now.toString(36).padStart(10, "0")}${random}`;
}
