import { createHash } from "node:crypto";
import {
  acceptedStatus,
  MailrouteError,
  type MailStore,
  type MessageDetail,
  type MessageQuery,
  type MessageSummary,
  newId,
  type Page,
  type SendMessageInput,
  type StoredResponse,
  toEmailMessage,
} from "@mailroute/core";

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

/** Accepts messages: stores each durably (with its job) before answering. */
function createSend(
  store: Pick<MailStore, "acceptMessage">,
  onAccepted: () => void,
  settings: { sendAtHorizonDays: number },
) {
  // Keys whose first request is still being stored; a concurrent duplicate gets 409.
  const inFlight = new Set<string>();

  return async function sendMessage(
    request: SendMessageRequest,
  ): Promise<StoredResponse & { replayed: boolean }> {
    if (request.input.template) {
      throw new MailrouteError(
        "UNSUPPORTED_FEATURE",
        "stored templates are not available yet; send subject and text/html",
        {
          details: [{ path: "template", message: "is not supported yet" }],
        },
      );
    }
    const key = request.idempotencyKey;
    if (key !== undefined && (key.length < 1 || key.length > 256)) {
      throw new MailrouteError(
        "INVALID_IDEMPOTENCY_KEY",
        "Idempotency-Key must be 1 to 256 characters",
        {
          details: [{ path: "Idempotency-Key", message: "must be 1 to 256 characters" }],
        },
      );
    }
    const scopedKey = key === undefined ? undefined : `${request.principal}\u0000${key}`;
    if (scopedKey !== undefined && inFlight.has(scopedKey)) {
      throw new MailrouteError(
        "IDEMPOTENCY_KEY_IN_USE",
        "a request with this Idempotency-Key is still being processed",
      );
    }
    const now = new Date();
    checkSendAt(request.input, now, settings.sendAtHorizonDays);
    const id = newId("msg", now.getTime());
    const message = toEmailMessage(id, request.input);
    const sendAt = message.sendAt ? new Date(message.sendAt) : null;
    const runAt = sendAt !== null && sendAt > now ? sendAt : now;
    const status = acceptedStatus(runAt, now);
    const response: StoredResponse = { status: 202, body: { id, status } };
    if (scopedKey !== undefined) {
      inFlight.add(scopedKey);
    }
    try {
      const outcome = await store.acceptMessage({
        message,
        acceptedAt: now,
        runAt,
        response,
        idempotency:
          key === undefined
            ? undefined
            : {
                scope: request.principal,
                key,
                // The validated body, not the bytes: a retry that differs only in whitespace or
                // key order is the same request.
                requestHash: createHash("sha256")
                  .update(JSON.stringify(request.input))
                  .digest("hex"),
                expiresAt: new Date(now.getTime() + idempotencyWindowMs),
              },
      });
      if (outcome.kind === "key_reused") {
        throw new MailrouteError(
          "IDEMPOTENCY_KEY_REUSED",
          "this Idempotency-Key was used with a different request body in the last 24 hours",
          { details: [{ path: "Idempotency-Key", message: "was used with a different body" }] },
        );
      }
      if (outcome.kind === "replay") {
        return { ...outcome.response, replayed: true };
      }
      // A scheduled message is found by the dispatcher's poll when it falls due.
      if (status === "queued") {
        onAccepted();
      }
      return { ...response, replayed: false };
    } finally {
      if (scopedKey !== undefined) {
        inFlight.delete(scopedKey);
      }
    }
  };
}

/** What the messages service is built from. */
export interface MessagesServiceDependencies {
  store: Pick<
    MailStore,
    "acceptMessage" | "getMessage" | "listMessages" | "releaseMessage" | "cancelMessage"
  >;
  /** Wakes the dispatcher: a message was queued (accepted or released). */
  notifyDispatcher: () => void;
  /** How far ahead a message's `sendAt` may be. */
  sendAtHorizonDays: number;
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
  /** One message with recipients, attempts, events and routing; NOT_FOUND when unknown. */
  get(id: string): Promise<MessageDetail>;
  /** A page of the log, newest first. */
  list(query: MessageQuery): Promise<Page<MessageSummary>>;
  /** Queues a held message again; NOT_FOUND when unknown, CONFLICT when it is not held. */
  release(id: string): Promise<MessageStatusChange<"queued">>;
  /** Cancels a held, queued or scheduled message; NOT_FOUND when unknown, CONFLICT otherwise. */
  cancel(id: string): Promise<MessageStatusChange<"cancelled">>;
}

/** Builds the messages service over the store; the only code of this resource that uses it. */
export function createMessagesService(dependencies: MessagesServiceDependencies): MessagesService {
  const { store, notifyDispatcher } = dependencies;
  const find = async (id: string): Promise<MessageDetail> => {
    const message = await store.getMessage(id);
    if (!message) {
      throw new MailrouteError("NOT_FOUND", `no message with id ${id}`);
    }
    return message;
  };
  return {
    send: createSend(store, notifyDispatcher, {
      sendAtHorizonDays: dependencies.sendAtHorizonDays,
    }),
    get: find,
    list: (query) => store.listMessages(query),
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
      return { id, status: "cancelled" };
    },
  };
}
