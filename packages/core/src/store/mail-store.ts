import type { ApiKeyScope } from "../auth/api-key-scopes";
import type { AttemptError, AttemptResult } from "../dispatch/run-plan";
import type { AttemptOutcome } from "../errors/attempt-outcomes";
import type { EmailEvent, EmailEventType } from "../events/email-event";
import type { EmailAddress } from "../message/address";
import type { EmailMessage } from "../message/message-schema";
import type { MessageTracking } from "../message/tracking";
import type { RoutePlan } from "../routing/plan-route";
import type { SuppressionReason } from "../status/advance-status";
import type { MessageStatus, RecipientStatus } from "../status/message-status";
import type { ProviderEvent, ReplayClaim } from "../webhooks/provider-webhook";

/** A response stored under an idempotency key and replayed for the same key and body. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** An `Idempotency-Key` as stored: scoped to its principal, with the digest of its request. */
export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  expiresAt: Date;
}

/** What `acceptMessage` writes, all in one transaction. */
export interface AcceptMessageInput {
  message: EmailMessage;
  acceptedAt: Date;
  /** When the dispatcher may first pick it up (`sendAt`, or now); it decides `acceptedStatus`. */
  runAt: Date;
  response: StoredResponse;
  idempotency?: IdempotencyRecord | undefined;
  /** The API key that accepted it (`admin` for `MAILROUTE_API_KEY`). */
  apiKeyId?: string | undefined;
}

/** What `acceptMessages` writes, all in one transaction: many messages under one answer and key. */
export interface AcceptMessagesInput {
  /** Each message with when the dispatcher may first pick it up; may be empty (key only). */
  messages: Pick<AcceptMessageInput, "message" | "runAt">[];
  acceptedAt: Date;
  response: StoredResponse;
  idempotency?: IdempotencyRecord | undefined;
  /** The API key that accepted them. */
  apiKeyId?: string | undefined;
}

/** How an accept ended: stored, or answered from an earlier request with the same key. */
export type AcceptOutcome =
  | { kind: "accepted" }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "key_reused" };

/** A job the dispatcher has leased, with everything needed to send its message. */
export interface ClaimedJob {
  jobId: string;
  message: EmailMessage;
  acceptedAt: Date;
  /** Rounds through a plan already made. */
  rounds: number;
  possibleDuplicate: boolean;
  /** Set when the previous round pinned the message to one provider (`retryThenHold`). */
  pinnedProvider: string | null;
  /**
   * An attempt a provider already accepted, when a worker died after recording it but before
   * completing the message: the message is sent and must not be sent again.
   */
  acceptedAttempt: { provider: string; providerMessageId: string | null } | null;
  /** Attempts a crashed worker left in flight; the claim marked them ambiguous. */
  interruptedAttempts: { id: string; provider: string }[];
  /**
   * Providers whose answer to an earlier attempt was ambiguous (a reset or timeout after the
   * request left), interrupted attempts aside. The round that saw it flags the message when it
   * stores its decision; should it die first, the next round still knows to flag.
   */
  ambiguousProviders: string[];
}

/** One try at one provider as the API shows it. */
export interface AttemptView {
  id: string;
  provider: string;
  outcome: AttemptOutcome | "in_flight";
  startedAt: string;
  durationMs: number | null;
  providerMessageId: string | null;
  error: AttemptError | null;
}

/** An attachment as a read shows it: what it is, without its content. */
export interface AttachmentView {
  filename: string;
  contentType: string | null;
  contentId: string | null;
  /** Decoded bytes. */
  size: number;
}

/** A message in the log. */
export interface MessageSummary {
  id: string;
  status: MessageStatus;
  from: EmailAddress;
  to: EmailAddress[];
  subject: string;
  tags: string[];
  metadata: Record<string, string>;
  provider: string | null;
  providerMessageId: string | null;
  possibleDuplicate: boolean;
  createdAt: string;
  updatedAt: string;
  sendAt: string | null;
}

/** A message with its recipients, attempts, events and routing trace. */
export interface MessageDetail extends MessageSummary {
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress[];
  text: string | null;
  html: string | null;
  headers: Record<string, string>;
  attachments: AttachmentView[];
  /** The tracking switches set on the message or by its route; absent when none was. */
  tracking?: MessageTracking;
  recipients: { email: string; status: RecipientStatus }[];
  attempts: AttemptView[];
  events: EmailEvent[];
  routing: RoutePlan | null;
  error: AttemptError | null;
  /** The stored template and version its subject and bodies were rendered from; null without. */
  template: { id: string; version: number } | null;
  /**
   * When retention purged the message's content: its `text` and `html` are null since, and its
   * attachments keep their names, types and sizes only. Null while the content is kept.
   */
  contentPurgedAt: string | null;
}

/** Filters of `GET /v1/messages`. */
export interface MessageQuery {
  status?: MessageStatus[] | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  to?: string | undefined;
  from?: string | undefined;
  tag?: string | undefined;
  provider?: string | undefined;
  ids?: string[] | undefined;
  /** Only the messages this API key accepted. */
  apiKeyId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** One page of a list; it may hold fewer than `limit` items (see `pageBudgetBytes`). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Recent counts and latency of one provider, from its attempts. */
export interface ProviderStats {
  provider: string;
  attempts: number;
  accepted: number;
  retryable: number;
  permanent: number;
  ambiguous: number;
  avgLatencyMs: number | null;
}

/** An API key as stored: never the key itself, only its hash and a visible prefix. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  /** When a request last used it, to within a minute; null when never. */
  lastUsedAt: Date | null;
}

/** How a message leaves dispatch. */
export interface CompleteMessageInput {
  jobId: string;
  /** The worker that claimed the job; the write is refused unless it still holds the lease. */
  owner: string;
  messageId: string;
  status: "sent" | "failed";
  provider?: string | undefined;
  providerType?: string | undefined;
  providerMessageId?: string | null | undefined;
  possibleDuplicate: boolean;
  error?: AttemptError | undefined;
  at: Date;
}

/** What identifies a captured message in a list, without its bodies or attachment contents. */
export interface CaptureSummary {
  id: string;
  messageId: string;
  provider: string;
  capturedAt: string;
  requests: number;
  /** Bytes of the whole captured message as JSON, bodies and attachments included. */
  size: number;
  message: {
    from: EmailAddress;
    to: EmailAddress[];
    cc: EmailAddress[];
    bcc: EmailAddress[];
    subject: string;
    attachments: AttachmentView[];
  };
}

/** A captured message with everything the capture provider received. */
export interface CapturedMessage extends Omit<CaptureSummary, "message"> {
  message: EmailMessage;
}

/** A provider event ready to store, its dedupe key decided. */
export interface IncomingEvent extends ProviderEvent {
  dedupeKey: string;
}

/** What recording a webhook's events came to. */
export interface RecordEventsResult {
  stored: number;
  /** Redeliveries of events already stored, dropped. */
  duplicates: number;
  /** Stored events that matched no message mailroute knows. */
  orphans: number;
  /** Addresses added to the suppression list. */
  suppressed: string[];
}

/** Filters of the event feed. */
export interface EventQuery {
  /** Only events after this cursor (from a previous page's `nextCursor`). */
  after?: string | undefined;
  types?: EmailEventType[] | undefined;
  messageId?: string | undefined;
  limit: number;
  /** `raw` adds each event's untouched provider payload; without it the page has none. */
  include?: "raw" | undefined;
}

/** An event in the feed without its raw provider payload. */
export type EventSummary = Omit<EmailEvent, "raw">;

/** An address no provider may be asked to send to. */
export interface Suppression {
  email: string;
  reason: SuppressionReason;
  /** The provider whose event or answer suppressed it; null for manual entries. */
  provider: string | null;
  /** The stored event (`evt_…`) that caused it, when one did. */
  eventId: string | null;
  messageId: string | null;
  note: string | null;
  createdAt: string;
}

/** One batch of a retention purge: what was stored before each part's time, `limit` at most. */
export interface PurgeExpiredInput {
  /**
   * Bodies and attachment contents of finished messages accepted before this time, and captured
   * copies of messages taken before it; null keeps them.
   */
  contentBefore: Date | null;
  /** Raw provider payloads of events received before this time; null keeps them. */
  rawBefore: Date | null;
  /**
   * Whole finished messages accepted before this time (with their recipients, tags, attempts,
   * events and captures), events matching no message received before it, delivered or failed
   * outbound webhook deliveries created before it, and idempotency keys expired before it.
   */
  recordsBefore: Date | null;
  /**
   * The most messages, events, deliveries and keys one batch purges in all, content first, then
   * raw payloads, then records (so one batch holds the writer briefly).
   */
  limit: number;
  /** When the purge runs: the moment content purges are stamped with. */
  now: Date;
}

/** What one purge batch removed; while it comes to `limit` in all, more may be due. */
export interface PurgeExpiredResult {
  /** Messages whose content was purged, and captured copies removed. */
  content: number;
  /** Events whose raw payload was removed. */
  raw: number;
  /** Messages, unmatched events, outbound webhook deliveries and idempotency keys removed. */
  records: number;
}

/**
 * Everything mailroute persists, behind one interface so SQLite and PostgreSQL implementations
 * are interchangeable. Every method that changes more than one row does so in one transaction.
 */
export interface MailStore {
  /** Stores the message, its recipients, its `queued` events, its job and the idempotency key. */
  acceptMessage(input: AcceptMessageInput): Promise<AcceptOutcome>;
  /**
   * Stores many messages as `acceptMessage` stores one, and the idempotency key with their one
   * response, all or nothing in one transaction; or answers from an earlier request with the key.
   */
  acceptMessages(input: AcceptMessagesInput): Promise<AcceptOutcome>;
  /**
   * What an earlier request with this key decided (its replay, or a reuse with another body),
   * read before a new request is prepared; null when no unexpired request holds the key.
   */
  findEarlierAnswer(
    input: Pick<IdempotencyRecord, "scope" | "key" | "requestHash"> & { now: Date },
  ): Promise<Exclude<AcceptOutcome, { kind: "accepted" }> | null>;
  /** Leases up to `limit` due jobs whose lease is free or expired. */
  claimJobs(input: {
    owner: string;
    limit: number;
    leaseMs: number;
    now: Date;
  }): Promise<ClaimedJob[]>;
  /**
   * Writes an in-flight attempt row before the provider call, marks the message `sending` and
   * extends the job's lease; throws {@link LeaseLostError} when another worker holds the job now.
   */
  startAttempt(input: {
    messageId: string;
    jobId: string;
    owner: string;
    provider: string;
    startedAt: Date;
    leaseUntil: Date;
  }): Promise<string>;
  /**
   * Records how an attempt ended, whoever holds the job now: the outcome stays true of that call.
   * A later claim reads it (an `accepted` outcome completes the message without a new call).
   */
  finishAttempt(attemptId: string, result: AttemptResult): Promise<void>;
  saveRouting(messageId: string, routing: RoutePlan): Promise<void>;
  /**
   * Final dispatch state: message and recipients updated, events appended, job removed. Like
   * `retryLater`, `holdMessage` and `rejectRecipients`, it throws {@link LeaseLostError} and
   * changes nothing when `owner` no longer holds the job's lease (the job is gone, or another
   * worker claimed it after the lease ran out).
   */
  completeMessage(input: CompleteMessageInput): Promise<void>;
  /** Puts the message back in the queue for another round at `runAt`; lease checked as above. */
  retryLater(input: {
    jobId: string;
    owner: string;
    messageId: string;
    runAt: Date;
    possibleDuplicate: boolean;
    error?: AttemptError | undefined;
    /** Restricts the next round to this provider. */
    pin?: string | undefined;
  }): Promise<void>;
  /**
   * Stops dispatching a message (`held`) until someone releases or cancels it; lease checked as
   * in `completeMessage`.
   */
  holdMessage(input: {
    jobId: string;
    owner: string;
    messageId: string;
    error: AttemptError;
    at: Date;
  }): Promise<void>;
  /** Queues a held message again; false when it is not held. */
  releaseMessage(messageId: string, at: Date): Promise<boolean>;
  /**
   * Cancels a held, queued or scheduled message for good (`cancelled`, with a `cancelled` event
   * per recipient not yet past `queued`); false when it is none of those or is being sent now.
   */
  cancelMessage(messageId: string, at: Date): Promise<boolean>;
  /** Accepted attempts per provider since a time (daily quotas start from it). */
  countAcceptedSince(since: Date): Promise<Record<string, number>>;
  /** Routes saved through the API, or null when the configuration's apply. */
  loadRoutes(): Promise<{ routes: unknown; updatedAt: string } | null>;
  saveRoutes(routes: unknown, at: Date): Promise<void>;
  /**
   * Keeps `value` under `key` unless one is kept there already, and returns the kept value, so
   * every instance sharing the database agrees on it (a generated secret, for instance).
   */
  keepSetting(key: string, value: string, at: Date): Promise<string>;
  /** One message; with `apiKeyId`, null unless that key accepted it. */
  getMessage(id: string, apiKeyId?: string): Promise<MessageDetail | null>;
  listMessages(query: MessageQuery): Promise<Page<MessageSummary>>;
  providerStats(since: Date): Promise<ProviderStats[]>;
  /** Jobs not yet finished (queued, leased or waiting for a retry). */
  countPendingJobs(): Promise<number>;
  /** The queue's depth, and when the job waiting longest past its due time fell due (null: none is due). */
  dispatchQueueStats(now: Date): Promise<{ depth: number; oldestDueAt: Date | null }>;
  countApiKeys(): Promise<number>;
  insertApiKey(key: ApiKeyRecord): Promise<void>;
  /** The active (not revoked) key with this hash, or null. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  /** Active keys, newest first. */
  listApiKeys(query: { limit: number; cursor?: string | undefined }): Promise<Page<ApiKeyRecord>>;
  /** Revokes an active key for good; false when there is no active key with this id. */
  revokeApiKey(id: string, at: Date): Promise<boolean>;
  /** Records when keys were last used. */
  touchApiKeys(uses: { id: string; at: Date }[]): Promise<void>;
  /** Keeps a captured message once per idempotency key; a repeat only counts the request. */
  saveCapture(input: {
    messageId: string;
    provider: string;
    message: EmailMessage;
    at: Date;
  }): Promise<{ id: string; replayed: boolean }>;
  /** Summaries, newest first; with `include: "content"`, the whole captured messages. */
  listCaptures(query: {
    messageId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
    include?: "content" | undefined;
  }): Promise<Page<CaptureSummary | CapturedMessage>>;
  /**
   * Stores a provider's events in one transaction: correlates each to a message (our id from
   * the metadata, else the provider message id of an attempt), drops redeliveries by dedupe
   * key, advances recipient and message status, and suppresses hard bounces, complaints and
   * unsubscribes.
   */
  recordProviderEvents(input: {
    provider: string;
    providerType: string;
    receivedAt: Date;
    events: IncomingEvent[];
  }): Promise<RecordEventsResult>;
  /**
   * Records a webhook replay claim for `provider` (the configured name) in one atomic statement:
   * true when the key is new or its earlier claim expired by `now`, or when it is held with the
   * same non-null body digest; false otherwise, leaving the earlier claim as it was. Expired
   * claims are pruned along the way.
   */
  claimWebhookReplayKey(input: ReplayClaim & { provider: string; now: Date }): Promise<boolean>;
  /** The event feed, oldest first from the cursor: never skips or repeats an event. */
  listEvents(query: EventQuery): Promise<Page<EventSummary | EmailEvent>>;
  /** The suppressed addresses among `emails` (lowercased). */
  findSuppressions(emails: string[]): Promise<Suppression[]>;
  /** Adds an address; an address already listed keeps its first entry. Returns whether it was added. */
  addSuppression(input: Omit<Suppression, "createdAt"> & { at: Date }): Promise<boolean>;
  removeSuppression(email: string): Promise<boolean>;
  listSuppressions(query: {
    email?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<Page<Suppression>>;
  /**
   * Marks recipients rejected (with a `rejected` event each) before any provider call; with
   * `final`, the whole message is rejected and its job removed. Lease checked as in
   * `completeMessage`.
   */
  rejectRecipients(input: {
    messageId: string;
    jobId: string;
    owner: string;
    recipients: string[];
    reason: string;
    final: boolean;
    at: Date;
  }): Promise<void>;
  /**
   * The cheapest real write (one heartbeat row, committed and made durable like any other), so
   * readiness and start-up can prove the database takes writes; rejects when it does not.
   */
  writeHeartbeat(at: Date): Promise<void>;
  /**
   * One small batch of the retention purge, in one short transaction. Never touches what is
   * still needed: messages not finished (queued, scheduled, sending, held, or with a job),
   * suppressions, idempotency keys not yet expired, templates, webhook endpoints and outbound
   * deliveries still pending; nor events the outbound fan-out has not reached yet.
   */
  purgeExpired(input: PurgeExpiredInput): Promise<PurgeExpiredResult>;
  /**
   * Calls `listener` when work may be waiting, on every instance sharing the database: `dispatch`
   * after a commit made a job due, `outbound` after new events entered the feed. A hint to wake
   * the workers early, never a promise (they still poll). Absent when the store has no instances
   * to hear from (SQLite). Returns a function that stops the calls.
   */
  watch?(listener: (topic: "dispatch" | "outbound") => void): () => void;
  close(): Promise<void>;
}

/** Raised when a worker's lease on a job ran out and another worker claimed it. */
export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`lease on job ${jobId} was lost`);
    this.name = "LeaseLostError";
  }
}
