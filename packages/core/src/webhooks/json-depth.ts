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

/**
 * The deepest nesting of arrays and objects in JSON text: 0 for a scalar, 1 for `{}` or `[1]`,
 * 2 for `[{}]`. One pass over the text without recursion, so any size costs no stack; brackets
 * inside strings do not count. It does not validate: the parser that runs next does.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === backslash) {
        index += 1;
      } else if (code === quote) {
        inString = false;
      }
    } else if (code === quote) {
      inString = true;
    } else if (code === openBrace || code === openBracket) {
      depth += 1;
      deepest = Math.max(deepest, depth);
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
