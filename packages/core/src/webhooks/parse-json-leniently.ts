/**
 * Parses JSON that a sender embedded in a header or field, where malformed text must cost only
 * what it carried, never the event: undefined when the text is absent or not JSON.
 */
export function parseJsonLeniently(text: string | null | undefined): unknown {
  if (text === null || text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
