import type { EmailProvider, MailStore, ProviderType, ProviderWebhook } from "@mailroute/core";
import type { BrevoWebhookSettings } from "@mailroute/provider-brevo";
import type { CaptureSettings, CaptureWebhookSettings } from "@mailroute/provider-capture";
import type { MailgunSettings, MailgunWebhookSettings } from "@mailroute/provider-mailgun";
import type { MailjetWebhookSettings } from "@mailroute/provider-mailjet";
import type { PostmarkSettings, PostmarkWebhookSettings } from "@mailroute/provider-postmark";
import type { ResendWebhookSettings } from "@mailroute/provider-resend";
import type { SendGridSettings, SendGridWebhookSettings } from "@mailroute/provider-sendgrid";
import type { SesWebhookSettings } from "@mailroute/provider-ses";
import type { SmtpSettings } from "@mailroute/provider-smtp";
import type { SparkPostWebhookSettings } from "@mailroute/provider-sparkpost";

/** What a send factory may use besides its own settings. */
export interface ProviderContext {
  store: MailStore;
}

type Settings = Record<string, unknown>;

/** What one provider type brings: a send adapter and a webhook handler, where it has them. */
export interface ProviderKind {
  send: ((settings: Settings & { name: string }, context: ProviderContext) => EmailProvider) | null;
  webhook: ((settings: Settings, name: string) => ProviderWebhook) | null;
}

/**
 * Every provider type's adapter package, imported only when a configured provider uses it: the
 * packages pull in their providers' SDKs, about 30 MB of memory for all of them. Adding a type to
 * core's `providerTypes` makes this fail to compile until it is listed here.
 */
export const providerKinds: Record<ProviderType, () => Promise<ProviderKind>> = {
  capture: async () => {
    const { createCaptureProvider, createCaptureWebhook } = await import(
      "@mailroute/provider-capture"
    );
    return {
      send: (settings, context) =>
        createCaptureProvider(settings as CaptureSettings, { mailbox: context.store }),
      webhook: (settings) => createCaptureWebhook(settings as CaptureWebhookSettings),
    };
  },
  sendgrid: async () => {
    const { createSendGridProvider, createSendGridWebhook } = await import(
      "@mailroute/provider-sendgrid"
    );
    return {
      send: (settings) => createSendGridProvider(settings as SendGridSettings),
      webhook: (settings) => createSendGridWebhook(settings as SendGridWebhookSettings),
    };
  },
  mailgun: async () => {
    const { createMailgunProvider, createMailgunWebhook } = await import(
      "@mailroute/provider-mailgun"
    );
    return {
      send: (settings) => createMailgunProvider(settings as MailgunSettings),
      webhook: (settings) => createMailgunWebhook(settings as MailgunWebhookSettings),
    };
  },
  postmark: async () => {
    const { createPostmarkProvider, createPostmarkWebhook } = await import(
      "@mailroute/provider-postmark"
    );
    return {
      send: (settings) => createPostmarkProvider(settings as PostmarkSettings),
      webhook: (settings) => createPostmarkWebhook(settings as PostmarkWebhookSettings),
    };
  },
  smtp: async () => {
    const { createSmtpProvider } = await import("@mailroute/provider-smtp");
    return { send: (settings) => createSmtpProvider(settings as SmtpSettings), webhook: null };
  },
  ses: async () => {
    const { createSesWebhook } = await import("@mailroute/provider-ses");
    return { send: null, webhook: (settings) => createSesWebhook(settings as SesWebhookSettings) };
  },
  resend: async () => {
    const { createResendWebhook } = await import("@mailroute/provider-resend");
    return {
      send: null,
      webhook: (settings) => createResendWebhook(settings as ResendWebhookSettings),
    };
  },
  brevo: async () => {
    const { createBrevoWebhook } = await import("@mailroute/provider-brevo");
    return {
      send: null,
      webhook: (settings) => createBrevoWebhook(settings as BrevoWebhookSettings),
    };
  },
  mailjet: async () => {
    const { createMailjetWebhook } = await import("@mailroute/provider-mailjet");
    return {
      send: null,
      webhook: (settings) => createMailjetWebhook(settings as MailjetWebhookSettings),
    };
  },
  sparkpost: async () => {
    const { createSparkPostWebhook } = await import("@mailroute/provider-sparkpost");
    return {
      send: null,
      webhook: (settings) => createSparkPostWebhook(settings as SparkPostWebhookSettings),
    };
  },
};

/** A configured provider entry as the registry reads it. */
export type ProviderEntry = Settings & { name: string; type: ProviderType };

/** Loads the adapter package of every provider type the entries use, once each. */
export async function loadProviderKinds(
  entries: readonly ProviderEntry[],
): Promise<Map<ProviderType, ProviderKind>> {
  const types = [...new Set(entries.map((entry) => entry.type))];
  return new Map(
    await Promise.all(types.map(async (type) => [type, await providerKinds[type]()] as const)),
  );
}

/** Builds every configured provider that can send, keyed by its configured name. */
export function createProviders(
  entries: readonly ProviderEntry[],
  kinds: Map<ProviderType, ProviderKind>,
  context: ProviderContext,
): Map<string, EmailProvider> {
  const providers = new Map<string, EmailProvider>();
  for (const entry of entries) {
    // `type` is the registry's key and `limits` the dispatcher's: neither is an adapter setting.
    const { type, limits: _limits, ...settings } = entry;
    const send = kinds.get(type)?.send;
    if (send) {
      providers.set(entry.name, send(settings, context));
    }
  }
  return providers;
}
