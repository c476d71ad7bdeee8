import { WebhookPayloadError } from "../errors/webhook-errors";

/**
 * How deeply a webhook body's JSON may nest arrays and objects. Real payloads nest fewer than
 * ten levels. Past the bound a body is refused (400) before anything reads it: storing the raw
 * payload serializes it recursively, and a body nested thousands deep overflows the stack there,
 * which would answer 500 and have the provider retry it forever.
 */
export const maxJsonDepth = 64;

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const openBracket = 0x5b;
const closeBrace = 0x7d;
const closeBracket = 0x5d;

/** The index of the quote that closes the string opened at `open`, or -1 when none does. */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1) {
    // A quote after an odd number of backslashes is escaped and does not close the string.
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === backslash) {
      backslashes += 1;
    }
    if (backslashes % 2 === 0) {
      return end;
    }
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/**
 * The deepest nesting of arrays and objects in JSON text: 0 for a scalar, 1 for `{}` or `[1]`,
 * 2 for `[{}]`. One pass over the text without recursion, so any size costs no stack; brackets
 * inside strings do not count. Strings, most of a webhook body, are skipped with `indexOf`
 * rather than read a character at a time, which keeps the pass cheaper than `JSON.parse`. It
 * does not validate: the parser that runs next does.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === quote) {
      index = closingQuote(text, index);
      if (index === -1) {
        break;
      }
    } else if (code === openBrace || code === openBracket) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
      }
    } else if (code === closeBrace || code === closeBracket) {
      depth -= 1;
    }
  }
  return deepest;
}

/** Throws `WebhookPayloadError` naming the provider when `text` nests deeper than {@link maxJsonDepth}. */
export function checkJsonDepth(text: string, provider: string): void {
  if (jsonDepth(text) > maxJsonDepth) {
    throw new WebhookPayloadError(
      `${provider} webhook body nests deeper than ${maxJsonDepth} levels`,
    );
  }
}
