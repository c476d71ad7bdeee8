/** Every kind of provider mailroute has an adapter for; a configured provider names one. */
export const providerTypes = ["capture", "sendgrid", "mailgun", "postmark", "smtp"] as const;

/** One of {@link providerTypes}. */
export type ProviderType = (typeof providerTypes)[number];
