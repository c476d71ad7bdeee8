/**
 * Every kind of provider mailroute knows. The first five can send; the rest have webhook
 * handling only (their events join the log before their send adapters exist).
 */
export const providerTypes = [
  "capture",
  "sendgrid",
  "mailgun",
  "postmark",
  "smtp",
  "ses",
  "resend",
  "brevo",
  "mailjet",
  "sparkpost",
] as const;

/** One of {@link providerTypes}. */
export type ProviderType = (typeof providerTypes)[number];

/** The provider types that have a send adapter. */
export const sendingProviderTypes = [
  "capture",
  "sendgrid",
  "mailgun",
  "postmark",
  "smtp",
] as const satisfies readonly ProviderType[];

/** True when a provider of this type can send mail. */
export function canSend(type: ProviderType): boolean {
  return (sendingProviderTypes as readonly ProviderType[]).includes(type);
}
