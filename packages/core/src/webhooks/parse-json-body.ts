import { WebhookPayloadError } from "../errors/webhook-errors";
import { checkJsonDepth } from "./json-depth";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes a verified webhook body as UTF-8 JSON, with `parse` when the provider needs a parser
 * of its own (one that keeps large integers, say). Throws `WebhookPayloadError` naming the
 * provider, with the decoding or parsing error as its cause, and before parsing when the body
 * nests deeper than `maxJsonDepth`.
 */
export function parseJsonBody(
  rawBody: Uint8Array,
  provider: string,
  parse: (text: string) => unknown = JSON.parse,
): unknown {
  let text: string;
  try {
    text = utf8.decode(rawBody);
  } catch (error) {
    throw new WebhookPayloadError(`${provider} webhook body is not UTF-8 JSON`, { cause: error });
  }
  checkJsonDepth(text, provider);
  try {
    return parse(text);
  } catch (error) {
    throw new WebhookPayloadError(`${provider} webhook body is not UTF-8 JSON`, { cause: error });
  }
}
