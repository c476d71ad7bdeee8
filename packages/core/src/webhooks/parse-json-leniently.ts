import { jsonDepth, maxJsonDepth } from "./json-depth";

/**
 * Parses JSON that a sender embedded in a header or field, where malformed text must cost only
 * what it carried, never the event: undefined when the text is absent, not JSON, or nested
 * deeper than `maxJsonDepth`.
 */
export function parseJsonLeniently(text: string | null | undefined): unknown {
  if (text === null || text === undefined || jsonDepth(text) > maxJsonDepth) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
