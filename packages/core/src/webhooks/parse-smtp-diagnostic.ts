import type { ProviderEvent } from "./provider-webhook";

const diagnosticPattern = /^\s*(?:smtp;\s*)?([245]\d\d)(?:[\s-]+([245]\.\d{1,3}\.\d{1,3})\b)?/i;

/**
 * The basic code that opens a diagnostic (`smtp; 550 5.1.1 …`, `250 2.0.0 OK`), and the RFC 3463
 * enhanced status right after it; both null when the text does not open with a code.
 */
export function parseSmtpDiagnostic(
  text: string | null,
): Pick<ProviderEvent, "smtpCode" | "enhancedStatus"> {
  const match = text?.match(diagnosticPattern);
  return { smtpCode: match?.[1] ? Number(match[1]) : null, enhancedStatus: match?.[2] ?? null };
}
