import {
  type AcceptMessageInput,
  type AcceptMessagesInput,
  type AcceptOutcome,
  acceptedStatus,
  type IdempotencyRecord,
  jobIdOf,
  judgeIdempotencyKey,
  ownEventsOf,
  recipientKindsOf,
  type StoredResponse,
} from "@mailroute/core";
import type { SqliteDatabase } from "../open-database";
import { insertEventRows } from "./event-rows";
import { prepared } from "./prepared";

const accepted: AcceptOutcome = { kind: "accepted" };

/**
 * Stores a message, its recipients, tags, `queued` events, dispatch job and idempotency key as
 * one write of the group commit (the hottest one: compiled statements only), or answers from an
 * earlier request with the same key.
 */
export function acceptMessage(db: SqliteDatabase, input: AcceptMessageInput): AcceptOutcome {
  const answer = input.idempotency
    ? claimIdempotencyKey(db, input.idempotency, input.response, input.acceptedAt)
    : null;
  if (answer) {
    return answer;
  }
  insertMessageRows(db, input);
  return accepted;
}

/**
 * Stores every message of a batch as {@link acceptMessage} stores one, and the key with the
 * batch's one response, in the same write: one transaction, so all of them or none.
 */
export function acceptMessages(db: SqliteDatabase, input: AcceptMessagesInput): AcceptOutcome {
  const answer = input.idempotency
    ? claimIdempotencyKey(db, input.idempotency, input.response, input.acceptedAt)
    : null;
  if (answer) {
    return answer;
  }
  for (const item of input.messages) {
    insertMessageRows(db, {
      message: item.message,
      runAt: item.runAt,
      acceptedAt: input.acceptedAt,
      apiKeyId: input.apiKeyId,
    });
  }
  return accepted;
}

/**
 * Claims the key for this request with the response it will answer; or, when an unexpired claim
 * holds it, the outcome that claim decides (its replay, or a reuse with another body). Null when
 * the key is now this request's.
 */
function claimIdempotencyKey(
  db: SqliteDatabase,
  idempotency: IdempotencyRecord,
  response: StoredResponse,
  acceptedAt: Date,
): AcceptOutcome | null {
  const now = acceptedAt.getTime();
  const existing = readIdempotencyKey(db, idempotency);
  const decided = outcomeOfEarlierClaim(existing, idempotency, now);
  if (decided) {
    return decided;
  }
  if (existing) {
    prepared(db, "delete from idempotency_keys where scope = ? and key = ?").run(
      idempotency.scope,
      idempotency.key,
    );
  }
  prepared(
    db,
    "insert into idempotency_keys (scope, key, request_hash, response_status, response_body, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)",
  ).run(
    idempotency.scope,
    idempotency.key,
    idempotency.requestHash,
    response.status,
    JSON.stringify(response.body),
    now,
    idempotency.expiresAt.getTime(),
  );
  return null;
}

interface StoredKey {
  requestHash: string;
  responseStatus: number;
  responseBody: string;
  expiresAt: number;
}

function readIdempotencyKey(
  db: SqliteDatabase,
  idempotency: Pick<IdempotencyRecord, "scope" | "key">,
): StoredKey | undefined {
  return prepared(
    db,
    "select request_hash as requestHash, response_status as responseStatus, response_body as responseBody, expires_at as expiresAt from idempotency_keys where scope = ? and key = ?",
  ).get(idempotency.scope, idempotency.key) as StoredKey | undefined;
}

/** What an unexpired claim of the key decides for a request (core's `judgeIdempotencyKey`). */
function outcomeOfEarlierClaim(
  existing: StoredKey | undefined,
  idempotency: Pick<IdempotencyRecord, "requestHash">,
  now: number,
): Exclude<AcceptOutcome, { kind: "accepted" }> | null {
  const judged = judgeIdempotencyKey(existing, idempotency.requestHash, now);
  if (judged === "free" || !existing) {
    return null;
  }
  if (judged === "key_reused") {
    return { kind: "key_reused" };
  }
  return {
    kind: "replay",
    response: {
      status: existing.responseStatus,
      body: JSON.parse(existing.responseBody) as unknown,
    },
  };
}

/**
 * What an earlier request with this key decided, read before a request is prepared, so a retry
 * is answered as the first request was even when preparing it again would now fail (its template
 * was deleted since). Null when the key is free; the accept still claims it atomically.
 */
export function findEarlierAnswer(
  db: SqliteDatabase,
  input: Pick<IdempotencyRecord, "scope" | "key" | "requestHash"> & { now: Date },
): Exclude<AcceptOutcome, { kind: "accepted" }> | null {
  return outcomeOfEarlierClaim(readIdempotencyKey(db, input), input, input.now.getTime());
}

/** Writes one accepted message's rows: the message, recipients, tags, `queued` events and job. */
function insertMessageRows(
  db: SqliteDatabase,
  input: Pick<AcceptMessageInput, "message" | "runAt" | "acceptedAt" | "apiKeyId">,
): void {
  const { message } = input;
  const now = input.acceptedAt.getTime();
  prepared(
    db,
    "insert into messages (id, status, from_email, subject, envelope, payload, send_at, api_key_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(
    message.id,
    acceptedStatus(input.runAt, input.acceptedAt),
    message.from.email.toLowerCase(),
    message.subject,
    JSON.stringify({
      from: message.from,
      to: message.to,
      tags: message.tags,
      metadata: message.metadata,
    }),
    JSON.stringify(message),
    message.sendAt ? Date.parse(message.sendAt) : null,
    input.apiKeyId ?? null,
    now,
    now,
  );
  const insertRecipient = prepared(
    db,
    "insert into recipients (message_id, email, kind, status, updated_at) values (?, ?, ?, 'queued', ?)",
  );
  const kinds = recipientKindsOf(message);
  for (const [email, kind] of kinds) {
    insertRecipient.run(message.id, email, kind, now);
  }
  const insertTag = prepared(db, "insert into message_tags (message_id, tag) values (?, ?)");
  for (const tag of new Set(message.tags)) {
    insertTag.run(message.id, tag);
  }
  insertEventRows(
    db,
    ownEventsOf({
      messageId: message.id,
      recipients: [...kinds.keys()],
      type: "queued",
      at: input.acceptedAt,
      tags: message.tags,
      metadata: message.metadata,
    }),
  );
  prepared(db, "insert into jobs (id, message_id, run_at, created_at) values (?, ?, ?, ?)").run(
    jobIdOf(message.id),
    message.id,
    input.runAt.getTime(),
    now,
  );
}
