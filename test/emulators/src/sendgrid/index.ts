export { mapSendGridLedgerEntries } from "./map-sendgrid-ledger-entries";
export {
  type SendGridEmulatorOptions,
  sendGridMaxBodyBytes,
  sendGridTestApiKey,
  startSendGridEmulator,
} from "./sendgrid-emulator";
export {
  createSendGridEventWebhook,
  type SendGridEventKind,
  type SendGridEventWebhook,
} from "./sendgrid-event-webhook";
export type {
  SendGridAddress,
  SendGridAttachment,
  SendGridErrorItem,
  SendGridMail,
  SendGridPersonalization,
} from "./sendgrid-mail";
export {
  sendGridMaxRecipients,
  sendGridMaxScheduleAheadMs,
  validateSendGridMail,
} from "./validate-sendgrid-mail";
