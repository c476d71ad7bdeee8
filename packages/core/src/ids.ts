const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * Creates a prefixed, time-ordered id (`msg_…`, `att_…`, `evt_…`): 10 base-36 characters of
 * milliseconds followed by 14 random ones, so ids sort by creation time and insert in index order.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  const time = now.toString(36).padStart(10, "0");
  const bytes = crypto.getRandomValues(new Uint8Array(14));
  let random = "";
  for (const byte of bytes) {
    random += alphabet[byte % 36];
  }
  return `${prefix}_${time}${random}`;
}
