import type { ProviderEvent } from "./provider-webhook";

const replyPattern =
  /^(?:smtp;\s*)?(?:([2-5]\d{2})(?:[ -]|$))?\s*(?:([245]\.\d{1,3}\.\d{1,3})\b)?/i;

/**
 * The basic code and RFC 3463 enhanced status that open an SMTP reply (`550 5.1.1 …`, also after
 * `smtp;`); either may be absent, so `5.1.1 …` alone still gives its status.
 */
export function parseSmtpReply(
  text: string | null,
): Pick<ProviderEvent, "smtpCode" | "enhancedStatus"> {
  const match = replyPattern.exec(text ?? "");
  return { smtpCode: match?.[1] ? Number(match[1]) : null, enhancedStatus: match?.[2] ?? null };
}
