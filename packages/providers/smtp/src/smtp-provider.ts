import {
  type EmailProvider,
  type ProviderCapabilities,
  parseProviderSettings,
} from "@mailroute/core";
import nodemailer from "nodemailer";
import {
  type DeliveryProgress,
  type SmtpTransporter,
  sendSmtpMessage,
  watchMessageStream,
} from "./smtp-send";
import { type ResolvedSmtpSettings, type SmtpSettings, smtpSettingsSchema } from "./smtp-settings";

/** What any SMTP relay can carry; relays differ, so these are the common ceilings. */
export const smtpCapabilities: ProviderCapabilities = {
  maxRecipients: 100,
  maxMessageBytes: 25 * 1024 * 1024,
  maxTags: 10,
  attachments: true,
  inlineImages: true,
  customHeaders: true,
  metadata: true,
  maxScheduleAheadMs: 0,
  idempotency: false,
  // A relay delivers the message as it is: no pixel, no rewritten links.
  tracking: "none",
};

function createTransporter(settings: ResolvedSmtpSettings): SmtpTransporter {
  const common = {
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.auth,
    tls: settings.tls,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    // Message content is always inline base64 here; never let a message make nodemailer read
    // a local file or fetch a URL (attachment `path`/`href`).
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  if (settings.pool) {
    // maxRequeues 0: when a pooled connection closes under a message, nodemailer would reconnect
    // and try again up to five times on its own, unseen by the attempt log. Every resend is the
    // dispatcher's decision; a failure before the message was written reaches it as retryable.
    return nodemailer.createTransport({
      ...common,
      pool: true,
      maxConnections: settings.maxConnections,
      maxRequeues: 0,
    });
  }
  return nodemailer.createTransport(common);
}

/**
 * Creates an SMTP provider over a nodemailer transport of its own, so several relay accounts
 * coexist. Throws ConfigError when the settings are invalid.
 */
export function createSmtpProvider(input: SmtpSettings): EmailProvider {
  const settings = parseProviderSettings(
    smtpSettingsSchema,
    input,
    `SMTP provider ${typeof input?.name === "string" ? input.name : "(unnamed)"}: invalid settings`,
  );
  const transporter = createTransporter(settings);
  const deliveries = new WeakMap<AbortSignal, DeliveryProgress>();
  transporter.use("stream", (mail, done) => {
    const progress = mail.data.signal ? deliveries.get(mail.data.signal) : undefined;
    if (progress) {
      mail.message.processFunc((input) => watchMessageStream(input, progress));
    }
    done();
  });
  const context = {
    provider: settings.name,
    transporter,
    timeoutMs: settings.timeoutMs,
    deliveries,
  };
  return {
    name: settings.name,
    type: "smtp",
    capabilities: smtpCapabilities,
    send: (message, options) => sendSmtpMessage(context, message, options),
    async close() {
      transporter.close();
    },
  };
}
