export type { EmulatorControl, EmulatorFault, LedgerEntry } from "./emulator-control";
export {
  createFakeProvider,
  type FakeProvider,
  type FakeStep,
  unlimitedCapabilities,
} from "./fake-provider";
export {
  fullMessage,
  type ProviderContractSetup,
  runProviderContract,
  tinyPng,
} from "./provider-contract";
