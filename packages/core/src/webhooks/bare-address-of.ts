/**
 * The bare address, lowercased, of `a@b.com` or `Name <a@b.com>` as a webhook reports a
 * recipient; null for anything that is not a non-empty string.
 */
export function bareAddressOf(value: unknown): string | null {
  const text = typeof value === "string" ? value : null;
  const address = (text?.match(/<([^<>]*)>\s*$/)?.[1] ?? text)?.trim().toLowerCase();
  return address ? address : null;
}
