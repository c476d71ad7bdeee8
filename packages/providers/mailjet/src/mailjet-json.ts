import { parse } from "lossless-json";

/**
 * Keeps integers beyond 2^53 as their exact decimal text. Mailjet's `MessageID` is such an
 * integer, and `JSON.parse` would round it to a different id.
 */
function parseMailjetNumber(text: string): number | string {
  const value = Number(text);
  return /^-?\d+$/.test(text) && !Number.isSafeInteger(value) ? text : value;
}

/** Parses Mailjet JSON without losing digits; throws a `SyntaxError` on malformed text. */
export function parseMailjetJson(text: string): unknown {
  return parse(text, null, parseMailjetNumber);
}
