/**
 * Sender metadata as mailroute keeps it: the entries of a JSON object with every value a string
 * (a string as it is, anything else as its JSON text); `{}` for anything but a plain object.
 */
export function toStringMetadata(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {};
  }
  // fromEntries defines own properties, so a key named `__proto__` stays a plain key.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      typeof item === "string" ? item : JSON.stringify(item),
    ]),
  );
}
