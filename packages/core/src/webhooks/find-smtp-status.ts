import type { ProviderEvent } from "./provider-webhook";

const statusPattern = /(?:^|[\s;:])([245]\d\d)[\s-]+([245]\.\d{1,3}\.\d{1,3})(?=\s|$)/;
const codePattern = /(?:^|[\s;:])([245]\d\d)(?=[\s-]|$)/;

/**
 * The SMTP reply code and RFC 3463 enhanced status found anywhere in free text
 * (`… host said: 550 5.1.1 …`): a code followed by a status first, else a code alone.
 */
export function findSmtpStatus(
  text: string | null,
): Pick<ProviderEvent, "smtpCode" | "enhancedStatus"> {
  const status = text ? statusPattern.exec(text) : null;
  if (status) {
    return { smtpCode: Number(status[1]), enhancedStatus: status[2] ?? null };
  }
  const code = text ? codePattern.exec(text) : null;
  return { smtpCode: code ? Number(code[1]) : null, enhancedStatus: null };
}
