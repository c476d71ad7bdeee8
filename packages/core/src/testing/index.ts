export {
  type BasicAuthWebhookSetup,
  runBasicAuthWebhookChecks,
} from "./basic-auth-webhook-checks";
export { basicAuthorization } from "./basic-authorization";
export type { EmulatorControl, EmulatorFault, LedgerEntry } from "./emulator-control";
export {
  createFakeProvider,
  type FakeProvider,
  type FakeStep,
  unlimitedCapabilities,
} from "./fake-provider";
export { freePort } from "./free-port";
export { incomingEvent } from "./incoming-event";
export { plainMessage } from "./plain-message";
export {
  fullMessage,
  type ProviderContractSetup,
  runProviderContract,
  type TrackingCase,
  tinyPng,
  trackingCases,
} from "./provider-contract";
export { providerErrorOf } from "./provider-error-of";
export { createReplayKeyFake, type ReplayKeyFake } from "./replay-key-fake";
export {
  expectedEvent,
  fixtureRequest,
  type ManifestCase,
  type ManifestEvent,
  readManifest,
  readSignatureVectors,
  runWebhookFixtures,
  type WebhookFixtureSetup,
  webhookFixturesFolder,
} from "./webhook-fixtures";
export { webhookRequest } from "./webhook-request";
