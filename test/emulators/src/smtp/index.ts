export { parseSmtpMessage, type SmtpEnvelope, type SmtpRawMessage } from "./parse-smtp-message";
export type { SmtpEmulatorFault } from "./smtp-emulator-fault";
export {
  type SmtpEmulator,
  type SmtpEmulatorOptions,
  startSmtpEmulator,
} from "./start-smtp-emulator";
