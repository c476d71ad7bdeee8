import type { ProviderEvent } from "./provider-webhook";

const wrappedReplyPattern = /^(?:[a-z ]+\()?([245]\d\d)(?:[ -]([245]\.\d{1,3}\.\d{1,3}))?/i;

/**
 * The basic code and RFC 3463 enhanced status of a reply that opens the text, or that a label
 * and a parenthesis wrap, as Mailjet writes `sent (250 2.0.0 OK …)`.
 */
export function parseWrappedSmtpReply(
  text: string | null,
): Pick<ProviderEvent, "smtpCode" | "enhancedStatus"> {
  const match = text === null ? null : wrappedReplyPattern.exec(text);
  return { smtpCode: match?.[1] ? Number(match[1]) : null, enhancedStatus: match?.[2] ?? null };
}
