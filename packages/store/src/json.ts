/** Parses JSON that this package wrote itself; a null column stays null. */
export function readJson<T>(value: string | null): T | null {
  return value === null ? null : (JSON.parse(value) as T);
}

/** Encodes a page cursor from the sort key of the last row. */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/** Decodes a cursor made by {@link encodeCursor}; null when it is not one. */
export function decodeCursor(cursor: string | undefined): (string | number)[] | null {
  if (!cursor) {
    return null;
  }
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    return Array.isArray(parts) &&
      parts.every((part) => typeof part === "string" || typeof part === "number")
      ? parts
      : null;
  } catch {
    return null;
  }
}
