export {
  type MailgunEmulatorOptions,
  mailgunEmulatorDefaults,
  mailgunLimits,
  startMailgunEmulator,
} from "./mailgun-emulator";
export { type MailgunFilePart, type MailgunForm, parseMailgunForm } from "./mailgun-form";
