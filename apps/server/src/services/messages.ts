import { createHash } from "node:crypto";
import {
  type AcceptMessageInput,
  type AcceptOutcome,
  acceptedStatus,
  applyRouteDefaults,
  type DefaultedMessage,
  type EmailMessage,
  type ErrorCode,
  type ErrorDetail,
  MailrouteError,
  type MailStore,
  type MessageDetail,
  type MessageQuery,
  type MessageSummary,
  newId,
  type Page,
  type RouteConfig,
  type SendMessageInput,
  type StoredResponse,
  seesOwnMessagesOnly,
  sendMessageSchema,
  toEmailMessage,
} from "@mailroute/core";
import { invalidRequest } from "../errors";
import type { Principal } from "./api-keys";
import type { ServerMetrics } from "./metrics";
import type { TemplatesService } from "./templates/templates-service";
import type { UnsubscribeLinks } from "./unsubscribe";

/** What `POST /v1/messages` needs besides the validated body. */
export interface SendMessageRequest {
  input: SendMessageInput;
  principal: string;
  idempotencyKey?: string | undefined;
}

const dayMs = 24 * 60 * 60 * 1000;
const idempotencyWindowMs = dayMs;

/**
 * Refuses a `sendAt` further ahead than the horizon (a typo in the year would otherwise park a
 * message for decades). A `sendAt` in the past is allowed: the message is sent at once.
 */
export function checkSendAt(
  input: Pick<SendMessageInput, "sendAt">,
  now: Date,
  horizonDays: number,
): void {
  if (input.sendAt === undefined) {
    return;
  }
  const latest = now.getTime() + horizonDays * dayMs;
  if (Date.parse(input.sendAt) > latest) {
    throw new MailrouteError("VALIDATION_ERROR", "sendAt is too far ahead", {
      details: [
        {
          path: "sendAt",
          message: `must be at most ${horizonDays} days ahead (before ${new Date(latest).toISOString()})`,
        },
      ],
    });
  }
}

/** One message ready to store: complete (what every provider will send) and when it may go. */
export interface PreparedMessage {
  message: EmailMessage;
  /** When the dispatcher may first pick it up (`sendAt`, or now). */
  runAt: Date;
  status: ReturnType<typeof acceptedStatus>;
}

/** What preparing a message reads besides the request. */
interface PrepareSettings {
  sendAtHorizonDays: number;
  templates: Pick<TemplatesService, "renderForMessage">;
  /** The routes in force now; the one that matches the message lends its defaults. */
  routes: () => readonly RouteConfig[];
  unsubscribeLinks: UnsubscribeLinks;
}

/**
 * The message a request makes, before its unsubscribe headers: its stored template rendered (a
 * later edit never changes a message already accepted) and what it leaves unset filled in from
 * the defaults of the route that matches it now. An accept stores it; a simulation plans it.
 */
export async function composeMessage(
  id: string,
  input: SendMessageInput,
  settings: Pick<PrepareSettings, "templates" | "routes">,
): Promise<DefaultedMessage> {
  const rendered = input.template
    ? await settings.templates.renderForMessage(input.template)
    : undefined;
  return applyRouteDefaults(
    { ...toEmailMessage(id, input), ...rendered },
    input,
    settings.routes(),
  );
}

/**
 * Completes one validated request into the message the store keeps. Every step that shapes what
 * reaches a provider runs here, at accept, so a failover sends the same message everywhere.
 */
async function prepareMessage(
  input: SendMessageInput,
  now: Date,
  settings: PrepareSettings,
): Promise<PreparedMessage> {
  checkSendAt(input, now, settings.sendAtHorizonDays);
  const defaulted = await composeMessage(newId("msg", now.getTime()), input, settings);
  // The one-click unsubscribe headers last, so the stored message is complete.
  const message = defaulted.unsubscribe
    ? await settings.unsubscribeLinks.addHeaders(defaulted.message)
    : defaulted.message;
  const sendAt = message.sendAt ? new Date(message.sendAt) : null;
  const runAt = sendAt !== null && sendAt > now ? sendAt : now;
  return { message, runAt, status: acceptedStatus(runAt, now) };
}

/**
 * The `Idempotency-Key` rules every accepting verb shares: the key's length, the principal it is
 * scoped to, and a 409 for a duplicate that arrives while the first request is still being stored.
 */
function createIdempotencyKeys() {
  // Keys whose first request is still being stored; a concurrent duplicate gets 409.
  const inFlight = new Set<string>();
  return {
    /**
     * Claims the key for this request (release it with the returned function) and says what the
     * store keeps of it; nothing when the request has no key.
     */
    claim(
      request: { principal: string; idempotencyKey?: string | undefined },
      validatedBody: unknown,
      now: Date,
    ): { idempotency: AcceptMessageInput["idempotency"]; release: () => void } {
      const key = request.idempotencyKey;
      if (key === undefined) {
        return { idempotency: undefined, release: () => {} };
      }
      if (key.length < 1 || key.length > 256) {
        throw new MailrouteError(
          "INVALID_IDEMPOTENCY_KEY",
          "Idempotency-Key must be 1 to 256 characters",
          {
            details: [{ path: "Idempotency-Key", message: "must be 1 to 256 characters" }],
          },
        );
      }
      const scopedKey = `${request.principal}\u0000${key}`;
      if (inFlight.has(scopedKey)) {
        throw new MailrouteError(
          "IDEMPOTENCY_KEY_IN_USE",
          "a request with this Idempotency-Key is still being processed",
        );
      }
      inFlight.add(scopedKey);
      return {
        idempotency: {
          scope: request.principal,
          key,
          // The validated body, not the bytes: a retry that differs only in whitespace or key
          // order is the same request.
          requestHash: createHash("sha256").update(JSON.stringify(validatedBody)).digest("hex"),
          expiresAt: new Date(now.getTime() + idempotencyWindowMs),
        },
        release: () => inFlight.delete(scopedKey),
      };
    },
  };
}

/** The answer to a reused key, or the replayed response; null when the request was stored. */
function answerOfOutcome(outcome: AcceptOutcome): (StoredResponse & { replayed: true }) | null {
  if (outcome.kind === "key_reused") {
    throw new MailrouteError(
      "IDEMPOTENCY_KEY_REUSED",
      "this Idempotency-Key was used with a different request body in the last 24 hours",
      { details: [{ path: "Idempotency-Key", message: "was used with a different body" }] },
    );
  }
  return outcome.kind === "replay" ? { ...outcome.response, replayed: true } : null;
}

/**
 * The answer an earlier request with the same key got, looked up before this one is prepared:
 * preparing it again could fail now (its template deleted since) where a replay must not.
 */
async function earlierAnswer(
  store: Pick<MailStore, "findEarlierAnswer">,
  idempotency: AcceptMessageInput["idempotency"],
  now: Date,
): Promise<(StoredResponse & { replayed: true }) | null> {
  if (idempotency === undefined) {
    return null;
  }
  const outcome = await store.findEarlierAnswer({ ...idempotency, now });
  return outcome ? answerOfOutcome(outcome) : null;
}

/** What a stored accept tells: the count of stored messages, and the dispatcher's wake-up. */
interface AcceptHooks {
  counted: (messages: number) => void;
  notify: () => void;
}

/** Accepts messages: stores each durably (with its job) before answering. */
function createSend(
  store: Pick<MailStore, "acceptMessage" | "findEarlierAnswer">,
  keys: ReturnType<typeof createIdempotencyKeys>,
  onAccepted: AcceptHooks,
  settings: PrepareSettings,
) {
  return async function sendMessage(
    request: SendMessageRequest,
  ): Promise<StoredResponse & { replayed: boolean }> {
    const now = new Date();
    const { idempotency, release } = keys.claim(request, request.input, now);
    try {
      const earlier = await earlierAnswer(store, idempotency, now);
      if (earlier) {
        return earlier;
      }
      const prepared = await prepareMessage(request.input, now, settings);
      const response: StoredResponse = {
        status: 202,
        body: { id: prepared.message.id, status: prepared.status },
      };
      const outcome = await store.acceptMessage({
        message: prepared.message,
        acceptedAt: now,
        runAt: prepared.runAt,
        response,
        idempotency,
        apiKeyId: request.principal,
      });
      const replay = answerOfOutcome(outcome);
      if (replay) {
        return replay;
      }
      onAccepted.counted(1);
      // A scheduled message is found by the dispatcher's poll when it falls due.
      if (prepared.status === "queued") {
        onAccepted.notify();
      }
      return { ...response, replayed: false };
    } finally {
      release();
    }
  };
}

/** What `POST /v1/messages/batch` needs besides the envelope's items. */
export interface SendBatchRequest {
  /** The envelope's items, each still to be validated on its own. */
  messages: readonly unknown[];
  principal: string;
  idempotencyKey?: string | undefined;
}

/** One item of a batch's answer, at its index in the request: accepted, or the error it got. */
export type BatchItemResult =
  | { index: number; id: string; status: PreparedMessage["status"] }
  | { index: number; error: { code: ErrorCode; message: string; details: ErrorDetail[] } };

/** Prepares one validated batch item as the single send would, or keeps the error it throws. */
async function prepareBatchItem(
  parsed: ReturnType<typeof sendMessageSchema.safeParse>,
  now: Date,
  settings: Parameters<typeof prepareMessage>[2],
): Promise<PreparedMessage | MailrouteError> {
  if (!parsed.success) {
    return invalidRequest(parsed.error.issues);
  }
  try {
    return await prepareMessage(parsed.data, now, settings);
  } catch (error) {
    if (error instanceof MailrouteError) {
      return error;
    }
    throw error;
  }
}

/**
 * Accepts a batch: every valid item is stored, with the key and the batch's answer, in one
 * transaction before the answer; an invalid item gets the error a single send would answer. A
 * batch with no valid item answers the same way (200, every item's error) and keeps its key too.
 */
function createSendBatch(
  store: Pick<MailStore, "acceptMessages" | "findEarlierAnswer">,
  keys: ReturnType<typeof createIdempotencyKeys>,
  onAccepted: AcceptHooks,
  settings: Parameters<typeof prepareMessage>[2],
) {
  return async function sendBatch(
    request: SendBatchRequest,
  ): Promise<StoredResponse & { replayed: boolean }> {
    const now = new Date();
    const parsed = request.messages.map((item) => sendMessageSchema.safeParse(item));
    // The key's digest covers each item as validated, or as sent when it is invalid.
    const digest = {
      batch: parsed.map((item, index) => (item.success ? item.data : request.messages[index])),
    };
    const { idempotency, release } = keys.claim(request, digest, now);
    try {
      const earlier = await earlierAnswer(store, idempotency, now);
      if (earlier) {
        return earlier;
      }
      const accepted: PreparedMessage[] = [];
      const data: BatchItemResult[] = [];
      for (const [index, item] of parsed.entries()) {
        const outcome = await prepareBatchItem(item, now, settings);
        if (outcome instanceof MailrouteError) {
          const { code, message, details } = outcome;
          data.push({ index, error: { code, message, details } });
        } else {
          accepted.push(outcome);
          data.push({ index, id: outcome.message.id, status: outcome.status });
        }
      }
      const response: StoredResponse = { status: 200, body: { data } };
      if (accepted.length === 0 && idempotency === undefined) {
        return { ...response, replayed: false };
      }
      const replay = answerOfOutcome(
        await store.acceptMessages({
          messages: accepted,
          acceptedAt: now,
          response,
          idempotency,
          apiKeyId: request.principal,
        }),
      );
      if (replay) {
        return replay;
      }
      onAccepted.counted(accepted.length);
      // One wake for the whole batch; scheduled messages are found by the poll when due.
      if (accepted.some((item) => item.status === "queued")) {
        onAccepted.notify();
      }
      return { ...response, replayed: false };
    } finally {
      release();
    }
  };
}

/** What the messages service is built from. */
export interface MessagesServiceDependencies {
  store: Pick<
    MailStore,
    | "acceptMessage"
    | "acceptMessages"
    | "findEarlierAnswer"
    | "getMessage"
    | "listMessages"
    | "releaseMessage"
    | "cancelMessage"
  >;
  /** Wakes the dispatcher: a message was queued (accepted or released). */
  notifyDispatcher: () => void;
  /** How far ahead a message's `sendAt` may be. */
  sendAtHorizonDays: number;
  /** Renders a message's stored template at accept. */
  templates: Pick<TemplatesService, "renderForMessage">;
  /** The routes in force (the route table's `current`), for their defaults at accept. */
  routes: () => readonly RouteConfig[];
  /** Signs the one-click unsubscribe links of `unsubscribe: true`. */
  unsubscribeLinks: UnsubscribeLinks;
  /** Counts accepted and cancelled messages. */
  metrics: Pick<ServerMetrics, "messagesAccepted" | "messageFinished">;
}

/** A message's id and the status a verb left it in. */
export interface MessageStatusChange<Status extends string> {
  id: string;
  status: Status;
}

/** The messages resource: send, read, list, and release or cancel one that waits. */
export interface MessagesService {
  /** Stores a message durably (with its job) and queues it; replays an idempotent retry. */
  send(request: SendMessageRequest): Promise<StoredResponse & { replayed: boolean }>;
  /**
   * Stores every valid message of a batch in one transaction and answers each item in order
   * (`{ data: BatchItemResult[] }`); replays an idempotent retry of the whole batch.
   */
  sendBatch(request: SendBatchRequest): Promise<StoredResponse & { replayed: boolean }>;
  /**
   * One message with recipients, attempts, events and routing; NOT_FOUND when unknown, or when
   * the viewer is a `send` key that did not accept it.
   */
  get(id: string, viewer?: Pick<Principal, "keyId" | "scopes">): Promise<MessageDetail>;
  /** A page of the log, newest first; a `send` key sees only the messages it accepted. */
  list(
    query: MessageQuery,
    viewer?: Pick<Principal, "keyId" | "scopes">,
  ): Promise<Page<MessageSummary>>;
  /** Queues a held message again; NOT_FOUND when unknown, CONFLICT when it is not held. */
  release(id: string): Promise<MessageStatusChange<"queued">>;
  /** Cancels a held, queued or scheduled message; NOT_FOUND when unknown, CONFLICT otherwise. */
  cancel(id: string): Promise<MessageStatusChange<"cancelled">>;
}

/**
 * The key whose messages alone a viewer sees (a `send` key: its own), or undefined for all. A
 * message it did not accept is not found rather than forbidden, so ids cannot be probed.
 */
function ownerOf(viewer: Pick<Principal, "keyId" | "scopes"> | undefined): string | undefined {
  return viewer && seesOwnMessagesOnly(viewer.scopes) ? viewer.keyId : undefined;
}

/** Builds the messages service over the store; the only code of this resource that uses it. */
export function createMessagesService(dependencies: MessagesServiceDependencies): MessagesService {
  const { store, notifyDispatcher, metrics } = dependencies;
  const find = async (id: string, owner?: string): Promise<MessageDetail> => {
    const message = await store.getMessage(id, owner);
    if (!message) {
      throw new MailrouteError("NOT_FOUND", `no message with id ${id}`);
    }
    return message;
  };
  // One set of keys for both verbs: a key in flight is in flight for a batch and a single send.
  const keys = createIdempotencyKeys();
  const settings: PrepareSettings = {
    sendAtHorizonDays: dependencies.sendAtHorizonDays,
    templates: dependencies.templates,
    routes: dependencies.routes,
    unsubscribeLinks: dependencies.unsubscribeLinks,
  };
  const hooks: AcceptHooks = { counted: metrics.messagesAccepted, notify: notifyDispatcher };
  return {
    send: createSend(store, keys, hooks, settings),
    sendBatch: createSendBatch(store, keys, hooks, settings),
    get: (id, viewer) => find(id, ownerOf(viewer)),
    list: (query, viewer) => store.listMessages({ ...query, apiKeyId: ownerOf(viewer) }),
    async release(id) {
      const message = await find(id);
      if (!(await store.releaseMessage(id, new Date()))) {
        throw new MailrouteError("CONFLICT", `message ${id} is ${message.status}, not held`);
      }
      notifyDispatcher();
      return { id, status: "queued" };
    },
    async cancel(id) {
      const message = await find(id);
      if (!(await store.cancelMessage(id, new Date()))) {
        throw new MailrouteError(
          "CONFLICT",
          `message ${id} is ${message.status} and cannot be cancelled now`,
        );
      }
      metrics.messageFinished("cancelled");
      return { id, status: "cancelled" };
    },
  };
}
