import {
  ConfigError,
  type EmailProvider,
  type MailStore,
  type ProviderType,
} from "@mailroute/core";
import { type CaptureSettings, createCaptureProvider } from "@mailroute/provider-capture";

/** What a factory may use besides its own settings. */
export interface ProviderContext {
  store: MailStore;
}

type ProviderFactory = (
  settings: Record<string, unknown> & { name: string },
  context: ProviderContext,
) => EmailProvider;

function notAvailable(type: ProviderType): ProviderFactory {
  return (settings) => {
    throw new ConfigError(
      `provider "${settings.name}": type ${type} is not available in this build`,
    );
  };
}

/** Every provider type's factory; adding a type to core's `providerTypes` makes this fail to compile. */
export const providerFactories: Record<ProviderType, ProviderFactory> = {
  capture: (settings, context) =>
    createCaptureProvider(settings as CaptureSettings, { mailbox: context.store }),
  sendgrid: notAvailable("sendgrid"),
  mailgun: notAvailable("mailgun"),
  postmark: notAvailable("postmark"),
  smtp: notAvailable("smtp"),
};

/** Builds every configured provider, keyed by its configured name. */
export function createProviders(
  entries: readonly (Record<string, unknown> & { name: string; type: ProviderType })[],
  context: ProviderContext,
): Map<string, EmailProvider> {
  const providers = new Map<string, EmailProvider>();
  for (const entry of entries) {
    providers.set(entry.name, providerFactories[entry.type](entry, context));
  }
  return providers;
}
