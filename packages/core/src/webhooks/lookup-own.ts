/**
 * Looks a key up in a mapping table by own keys only, so a vendor value such as `constructor`
 * cannot reach `Object.prototype`; undefined for an absent key or none.
 */
export function lookupOwn<Key extends PropertyKey, Value>(
  table: Readonly<Record<Key, Value>>,
  key: NoInfer<Key> | null | undefined,
): Value | undefined {
  return key !== null && key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
