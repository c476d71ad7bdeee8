import type { ProviderType, ProviderWebhook } from "@mailroute/core";
import { type BrevoWebhookSettings, createBrevoWebhook } from "@mailroute/provider-brevo";
import { type CaptureWebhookSettings, createCaptureWebhook } from "@mailroute/provider-capture";
import { createMailgunWebhook, type MailgunWebhookSettings } from "@mailroute/provider-mailgun";
import { createMailjetWebhook, type MailjetWebhookSettings } from "@mailroute/provider-mailjet";
import { createPostmarkWebhook, type PostmarkWebhookSettings } from "@mailroute/provider-postmark";
import { createResendWebhook, type ResendWebhookSettings } from "@mailroute/provider-resend";
import { createSendGridWebhook, type SendGridWebhookSettings } from "@mailroute/provider-sendgrid";
import { createSesWebhook, type SesWebhookSettings } from "@mailroute/provider-ses";
import {
  createSparkPostWebhook,
  type SparkPostWebhookSettings,
} from "@mailroute/provider-sparkpost";

type WebhookFactory = (settings: Record<string, unknown>, name: string) => ProviderWebhook;

/**
 * Every provider type's webhook factory, or null where mailroute has no handler for its
 * webhooks; adding a type to core's `providerTypes` makes this fail to compile.
 */
export const webhookFactories: Record<ProviderType, WebhookFactory | null> = {
  capture: (settings) => createCaptureWebhook(settings as CaptureWebhookSettings),
  sendgrid: (settings) => createSendGridWebhook(settings as SendGridWebhookSettings),
  mailgun: (settings) => createMailgunWebhook(settings as MailgunWebhookSettings),
  postmark: (settings) => createPostmarkWebhook(settings as PostmarkWebhookSettings),
  smtp: null,
  ses: (settings) => createSesWebhook(settings as SesWebhookSettings),
  resend: (settings) => createResendWebhook(settings as ResendWebhookSettings),
  brevo: (settings) => createBrevoWebhook(settings as BrevoWebhookSettings),
  mailjet: (settings) => createMailjetWebhook(settings as MailjetWebhookSettings),
  sparkpost: (settings) => createSparkPostWebhook(settings as SparkPostWebhookSettings),
};

/** A configured provider's webhook endpoint. */
export interface WebhookEndpoint {
  name: string;
  type: ProviderType;
  webhook: ProviderWebhook;
}

/** Builds a handler for every configured provider that has `webhook` settings. */
export function createWebhookEndpoints(
  entries: readonly (Record<string, unknown> & { name: string; type: ProviderType })[],
): Map<string, WebhookEndpoint> {
  const endpoints = new Map<string, WebhookEndpoint>();
  for (const entry of entries) {
    const factory = webhookFactories[entry.type];
    const settings = entry.webhook;
    if (factory && settings && typeof settings === "object") {
      endpoints.set(entry.name, {
        name: entry.name,
        type: entry.type,
        webhook: factory(settings as Record<string, unknown>, entry.name),
      });
    }
  }
  return endpoints;
}
