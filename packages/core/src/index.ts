export {
  type ApiKeyScope,
  apiKeyScopes,
  missingScope,
  type ScopeRule,
  scopeRules,
  scopesFor,
  seesOwnMessagesOnly,
} from "./auth/api-key-scopes";
export {
  type BreakerSettings,
  breakerSettingsSchema,
  slowCallThresholdMs,
} from "./dispatch/breaker-settings";
export { computeBackoff } from "./dispatch/compute-backoff";
export {
  dropSuppressed,
  type RecipientRejection,
  type SuppressionSplit,
} from "./dispatch/drop-suppressed";
export {
  type BreakerState,
  type BreakerTransition,
  isOpenBreakerError,
  ProviderBreakers,
  type ProviderBreakersOptions,
} from "./dispatch/provider-breakers";
export {
  inProcessCoordination,
  type ProviderCoordination,
  type ProviderSignal,
  type ProviderSignalListener,
  type ProviderSignals,
  type SharedAdmission,
  type SharedAdmissionRequest,
  type SharedBreakerChange,
  type SharedCounts,
  type SharedStallMark,
  type TokenBucket,
} from "./dispatch/provider-coordination";
export {
  type LimitRefusal,
  ProviderLimiter,
  type ProviderLimiterOptions,
  type ProviderLimits,
  providerLimitsSchema,
} from "./dispatch/provider-limits";
export {
  type Admission,
  type AttemptError,
  type AttemptRecorder,
  type AttemptResult,
  type PlanResult,
  type RunPlanInput,
  runPlan,
  toAttemptError,
  toProviderError,
} from "./dispatch/run-plan";
export { type Settlement, type SettleRoundInput, settleRound } from "./dispatch/settle-round";
export type { ProviderStall } from "./dispatch/stall-tracker";
export {
  possibleDuplicateOnClaim,
  type RoundStart,
  type StartRoundInput,
  startRound,
} from "./dispatch/start-round";
export {
  type AttemptOutcome,
  attemptOutcomes,
  type FailureOutcome,
  type ProviderErrorReason,
  providerErrorReasons,
} from "./errors/attempt-outcomes";
export { classifyHttpStatus, parseRetryAfter } from "./errors/classify-http-status";
export { classifyStorageError, type StorageFailure } from "./errors/classify-storage-error";
export { ConfigError } from "./errors/config-error";
export { type ErrorCode, errorCodes } from "./errors/error-codes";
export { type ErrorDetail, MailrouteError } from "./errors/mailroute-error";
export { isProviderError, ProviderError, type ProviderErrorInit } from "./errors/provider-error";
export { WebhookPayloadError, WebhookVerificationError } from "./errors/webhook-errors";
export {
  type BounceClass,
  bounceClasses,
  type EmailEvent,
  type EmailEventType,
  emailEventSchema,
  emailEventTypes,
  mailrouteSource,
} from "./events/email-event";
export { newId } from "./ids";
export {
  addressInputSchema,
  addressListInputSchema,
  domainOf,
  type EmailAddress,
  emailAddressSchema,
  formatAddress,
  isEmailAddress,
  parseAddress,
} from "./message/address";
export { batchLimits, type SendBatchInput, sendBatchSchema } from "./message/batch-schema";
export { isBase64 } from "./message/is-base64";
export {
  type Attachment,
  attachmentSchema,
  type EmailMessage,
  emailMessageSchema,
  messageLimits,
  type RecipientKind,
  recipientKindsOf,
  recipientsOf,
  renderedContentSchema,
  reservedHeaderNames,
  type SendMessageInput,
  sendMessageSchema,
  subjectSchema,
  toEmailMessage,
} from "./message/message-schema";
export {
  callerUnsubscribeHeaders,
  oneClickUnsubscribeHeaders,
  unsubscribeHeaderNames,
  unsubscribePathPrefix,
  unsubscribeUrl,
} from "./message/one-click-unsubscribe";
export {
  explicitTracking,
  type MessageTracking,
  setsTracking,
  trackingSchema,
} from "./message/tracking";
export {
  findUnsupportedFeature,
  messageSizeBytes,
  type ProviderCapabilities,
  type TrackingControl,
  trackingControls,
} from "./provider/capabilities";
export type { EmailProvider, SendOptions, SendResult } from "./provider/email-provider";
export { parseProviderSettings } from "./provider/parse-provider-settings";
export {
  canSend,
  type ProviderType,
  providerTypes,
  sendingProviderTypes,
} from "./provider/provider-types";
export { durationPattern, parseDuration } from "./retention/parse-duration";
export {
  isFinishedForRetention,
  type RetentionCutoffs,
  type RetentionSettings,
  retentionCutoffs,
  retentionIntervalMs,
  retentionSettingsSchema,
  unfinishedStatuses,
} from "./retention/retention-policy";
export { matchesRoute, matchRoute } from "./routing/match-route";
export { orderTargets } from "./routing/order-targets";
export {
  createPlanChecks,
  type PlanChecks,
  planRoute,
  type RoutePlan,
  type SkippedProvider,
} from "./routing/plan-route";
export { applyRouteDefaults, type DefaultedMessage } from "./routing/route-defaults";
export {
  type AmbiguousPolicy,
  ambiguousPolicies,
  findUnknownProviders,
  findUnusableDefaults,
  type RetryPolicy,
  type RouteConfig,
  type RouteDefaults,
  type RouteMatch,
  retryPolicySchema,
  routeDefaultsSchema,
  routeMatchSchema,
  routeSchema,
  routeStrategies,
  routesSchema,
  routeTargetSchema,
} from "./routing/route-schema";
export {
  type EligibilityMoment,
  type EligibilityState,
  type Ineligibility,
  type SkipReason,
  skipReasons,
  whyNotEligible,
} from "./routing/why-not-eligible";
export {
  advanceRecipientStatus,
  aggregateMessageStatus,
  recipientStatusRank,
  type SuppressionReason,
  statusOfEvent,
  suppressionReasonOf,
  suppressionReasons,
} from "./status/advance-status";
export {
  acceptedStatus,
  canDispatchMove,
  isDispatchFinal,
  type MessageStatus,
  messageStatuses,
  type RecipientStatus,
  recipientStatuses,
} from "./status/message-status";
export type {
  AcceptMessageInput,
  AcceptMessagesInput,
  AcceptOutcome,
  ApiKeyRecord,
  AttachmentView,
  AttemptView,
  CapturedMessage,
  CaptureSummary,
  ClaimedJob,
  CompleteMessageInput,
  EventQuery,
  EventSummary,
  IdempotencyRecord,
  IncomingEvent,
  MailStore,
  MessageDetail,
  MessageQuery,
  MessageSummary,
  Page,
  ProviderStats,
  PurgeExpiredInput,
  PurgeExpiredResult,
  RecordEventsResult,
  StoredResponse,
  Suppression,
} from "./store/mail-store";
export { LeaseLostError } from "./store/mail-store";
export { countWithinBudget, pageBudgetBytes } from "./store/page-budget";
export type {
  TemplateRecord,
  TemplateSourceInput,
  TemplateStore,
  TemplateVersionRecord,
} from "./store/template-store";
export type {
  ClaimedDelivery,
  DeliveryAttemptRecord,
  DeliveryView,
  WebhookEndpointPatch,
  WebhookEndpointRecord,
  WebhookOutboxStore,
} from "./store/webhook-outbox-store";
export {
  type AttemptOnClaim,
  attemptsToInterrupt,
  claimedJobOf,
  interruptedAttemptError,
  jobIdOf,
} from "./store-rules/claim-job";
export {
  type CorrelationLookups,
  correlateEvent,
  correlationIdsOf,
  correlationLookupsOf,
} from "./store-rules/correlate-event";
export { dedupeMaterialOf, unsubscribeDedupeKey } from "./store-rules/dedupe-key";
export { suppressionLookupEmails, suppressionOfEvent } from "./store-rules/event-suppression";
export {
  attemptStartStatuses,
  canCancel,
  cancelledThroughApi,
  canRelease,
  completedMessageStatus,
  recipientsToMove,
  statusesAfterMove,
  suppressedMessageError,
} from "./store-rules/finish-message";
export { judgeIdempotencyKey, type StoredIdempotencyKey } from "./store-rules/idempotency-claim";
export {
  deliveryAfterAttempt,
  endpointReceives,
  type FanOutEndpoint,
  outboundWebhookBody,
} from "./store-rules/outbound-fan-out";
export {
  isOwnedByDispatch,
  messageStatusAfterEvents,
  movedRecipients,
  moveRecipient,
  type RecipientMoves,
  recipientMovesOf,
} from "./store-rules/recipient-moves";
export { ownEventsOf, type StoredEvent, storedEventOf } from "./store-rules/stored-event";
export {
  type CreateTemplateInput,
  createTemplateSchema,
  renderTemplateSchema,
  type TemplateKind,
  type TemplateReference,
  templateDataSchema,
  templateIdPrefix,
  templateKinds,
  templateLimits,
  templateNameSchema,
  templateReferenceSchema,
  templateSourceIssues,
  type UpdateTemplateInput,
  updateTemplateSchema,
} from "./template/template-schema";
export { bareAddressOf } from "./webhooks/bare-address-of";
export {
  type BasicAuthSettings,
  basicAuthSettingsSchema,
} from "./webhooks/basic-auth-settings-schema";
export { bounceClassOfSmtpStatus } from "./webhooks/bounce-class-of-smtp-status";
export { createBasicAuthCheck } from "./webhooks/create-basic-auth-check";
export { findSmtpStatus } from "./webhooks/find-smtp-status";
export { checkJsonDepth, jsonDepth, maxJsonDepth } from "./webhooks/json-depth";
export { lookupOwn } from "./webhooks/lookup-own";
export { parseJsonBody } from "./webhooks/parse-json-body";
export { parseJsonLeniently } from "./webhooks/parse-json-leniently";
export { parseSmtpDiagnostic } from "./webhooks/parse-smtp-diagnostic";
export { parseSmtpReply } from "./webhooks/parse-smtp-reply";
export {
  parseWebhookBatch,
  type WebhookBatchItem,
  type WebhookBatchShape,
} from "./webhooks/parse-webhook-batch";
export { parseWrappedSmtpReply } from "./webhooks/parse-wrapped-smtp-reply";
export type {
  ProviderEvent,
  ProviderWebhook,
  ReplayClaim,
  WebhookContext,
  WebhookPayload,
  WebhookRequest,
} from "./webhooks/provider-webhook";
export { type BasicCredentials, readBasicCredentials } from "./webhooks/read-basic-credentials";
export { secondsToIso } from "./webhooks/seconds-to-iso";
export { secretsEqual } from "./webhooks/secrets-equal";
export { toStringMetadata } from "./webhooks/to-string-metadata";
