/** Creates an SMTP relay provider (nodemailer, pooled) from its settings. */
export { createSmtpProvider, smtpCapabilities } from "./smtp-provider";
/** Settings of one SMTP relay account, as configured and as validated. */
export { type ResolvedSmtpSettings, type SmtpSettings, smtpSettingsSchema } from "./smtp-settings";
