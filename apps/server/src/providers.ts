import type { EmailProvider, MailStore, ProviderType } from "@mailroute/core";
import { type CaptureSettings, createCaptureProvider } from "@mailroute/provider-capture";
import { createMailgunProvider, type MailgunSettings } from "@mailroute/provider-mailgun";
import { createPostmarkProvider, type PostmarkSettings } from "@mailroute/provider-postmark";
import { createSendGridProvider, type SendGridSettings } from "@mailroute/provider-sendgrid";
import { createSmtpProvider, type SmtpSettings } from "@mailroute/provider-smtp";

/** What a factory may use besides its own settings. */
export interface ProviderContext {
  store: MailStore;
}

type ProviderFactory = (
  settings: Record<string, unknown> & { name: string },
  context: ProviderContext,
) => EmailProvider;

/**
 * Every provider type's send factory, or null for types that only receive webhooks; adding a
 * type to core's `providerTypes` makes this fail to compile until it is listed here.
 */
export const providerFactories: Record<ProviderType, ProviderFactory | null> = {
  capture: (settings, context) =>
    createCaptureProvider(settings as CaptureSettings, { mailbox: context.store }),
  sendgrid: (settings) => createSendGridProvider(settings as SendGridSettings),
  mailgun: (settings) => createMailgunProvider(settings as MailgunSettings),
  postmark: (settings) => createPostmarkProvider(settings as PostmarkSettings),
  smtp: (settings) => createSmtpProvider(settings as SmtpSettings),
  ses: null,
  resend: null,
  brevo: null,
  mailjet: null,
  sparkpost: null,
};

/** Builds every configured provider that can send, keyed by its configured name. */
export function createProviders(
  entries: readonly (Record<string, unknown> & { name: string; type: ProviderType })[],
  context: ProviderContext,
): Map<string, EmailProvider> {
  const providers = new Map<string, EmailProvider>();
  for (const entry of entries) {
    // `type` is the registry's key and `limits` the dispatcher's: neither is an adapter setting.
    const { type, limits: _limits, ...settings } = entry;
    const factory = providerFactories[type];
    if (factory) {
      providers.set(entry.name, factory(settings, context));
    }
  }
  return providers;
}
