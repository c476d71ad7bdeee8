export { splitAddressList } from "../split-address-list";
export {
  defaultPostmarkServerToken,
  type PostmarkEmulator,
  type PostmarkEmulatorOptions,
  startPostmarkEmulator,
} from "./postmark-emulator";
export { toLedgerEntry } from "./postmark-ledger-entry";
export {
  type PostmarkApiError,
  postmarkLimits,
  postmarkMessages,
  validatePostmarkEmail,
} from "./postmark-validate-email";
