/** Creates the provider for one SendGrid account, and what it can carry. */
export { createSendGridProvider, sendGridCapabilities } from "./sendgrid-provider";
/** The settings of one SendGrid account, as configured and once validated. */
export {
  type ResolvedSendGridSettings,
  type SendGridSettings,
  sendGridSettingsSchema,
} from "./sendgrid-settings";
