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
  type StoredEvent,
  type StoredResponse,
} from "@mailroute/core";
import type { PgClient } from "../pg-client";
import { columnArrays, eventColumnArrays, insertEventsSql, unnestOf } from "./event-rows";

const accepted: AcceptOutcome = { kind: "accepted" };

type MessageRowsInput = Pick<AcceptMessageInput, "message" | "runAt" | "acceptedAt" | "apiKeyId">;

/**
 * Stores a message, its recipients, tags, `queued` events, dispatch job and idempotency key, or
 * answers from an earlier request with the same key.
 */
export async function acceptMessage(
  client: PgClient,
  input: AcceptMessageInput,
): Promise<AcceptOutcome> {
  const [outcome] = await acceptMessageBatch(client, [input]);
  return outcome ?? accepted;
}

/**
 * Accepts many independent requests in one transaction (the group commit): each claims its key
 * first, so two requests with one key behave as if sent one after the other; then the rows of
 * every accepted message go in with one multi-row statement per table. Keys are claimed in
 * (scope, key) order (requests with the same key keep their order): every instance's batches
 * lock keys in the same order, so two batches never deadlock on each other's keys.
 */
export async function acceptMessageBatch(
  client: PgClient,
  inputs: AcceptMessageInput[],
): Promise<AcceptOutcome[]> {
  const outcomes: AcceptOutcome[] = inputs.map(() => accepted);
  const keyed = inputs
    .map((input, index) => ({ input, index, idempotency: input.idempotency }))
    .filter((item) => item.idempotency !== undefined)
    .sort((a, b) => compareKeys(a.idempotency, b.idempotency) || a.index - b.index);
  const answered = new Set<number>();
  for (const { input, index, idempotency } of keyed) {
    if (!idempotency) {
      continue;
    }
    const answer = await claimIdempotencyKey(client, idempotency, input.response, input.acceptedAt);
    if (answer) {
      outcomes[index] = answer;
      answered.add(index);
    }
  }
  await insertMessageRows(
    client,
    inputs.filter((_, index) => !answered.has(index)),
  );
  return outcomes;
}

function compareKeys(a: IdempotencyRecord | undefined, b: IdempotencyRecord | undefined): number {
  const left = `${a?.scope ?? ""}\u0000${a?.key ?? ""}`;
  const right = `${b?.scope ?? ""}\u0000${b?.key ?? ""}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Stores every message of a batch as {@link acceptMessage} stores one, and the key with the
 * batch's one response: one transaction, so all of them or none.
 */
export async function acceptMessages(
  client: PgClient,
  input: AcceptMessagesInput,
): Promise<AcceptOutcome> {
  const answer = input.idempotency
    ? await claimIdempotencyKey(client, input.idempotency, input.response, input.acceptedAt)
    : null;
  if (answer) {
    return answer;
  }
  await insertMessageRows(
    client,
    input.messages.map((item) => ({
      message: item.message,
      runAt: item.runAt,
      acceptedAt: input.acceptedAt,
      apiKeyId: input.apiKeyId,
    })),
  );
  return accepted;
}

interface StoredKey {
  requestHash: string;
  responseStatus: number;
  responseBody: string;
  expiresAt: number;
}

/**
 * Claims the key for this request with the response it will answer; or, when an unexpired claim
 * holds it, the outcome that claim decides. Null when the key is now this request's. The insert
 * waits for a concurrent claim of the same key (another instance's) to commit or roll back, so
 * two requests with one key never both win.
 */
async function claimIdempotencyKey(
  client: PgClient,
  idempotency: IdempotencyRecord,
  response: StoredResponse,
  acceptedAt: Date,
): Promise<AcceptOutcome | null> {
  const now = acceptedAt.getTime();
  const values = [
    idempotency.scope,
    idempotency.key,
    idempotency.requestHash,
    response.status,
    JSON.stringify(response.body),
    now,
    idempotency.expiresAt.getTime(),
  ];
  const inserted = await client.query({
    name: "claim_idempotency_key",
    text: "insert into idempotency_keys (scope, key, request_hash, response_status, response_body, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7) on conflict (scope, key) do nothing",
    values,
  });
  if ((inserted.rowCount ?? 0) > 0) {
    return null;
  }
  const existing = await readIdempotencyKey(client, idempotency, true);
  const decided = outcomeOfEarlierClaim(existing, idempotency, now);
  if (decided) {
    return decided;
  }
  // The earlier claim expired: this request takes the key over.
  await client.query({
    name: "retake_idempotency_key",
    text: "update idempotency_keys set request_hash = $3, response_status = $4, response_body = $5, created_at = $6, expires_at = $7 where scope = $1 and key = $2",
    values,
  });
  return null;
}

async function readIdempotencyKey(
  client: PgClient,
  idempotency: Pick<IdempotencyRecord, "scope" | "key">,
  forUpdate: boolean,
): Promise<StoredKey | undefined> {
  const result = await client.query<StoredKey>({
    name: forUpdate ? "read_idempotency_key_for_update" : "read_idempotency_key",
    text: `select request_hash as "requestHash", response_status as "responseStatus", response_body as "responseBody", expires_at as "expiresAt" from idempotency_keys where scope = $1 and key = $2${forUpdate ? " for update" : ""}`,
    values: [idempotency.scope, idempotency.key],
  });
  return result.rows[0];
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
 * What an earlier request with this key decided, read before a request is prepared; null when
 * the key is free (the accept still claims it atomically).
 */
export async function findEarlierAnswer(
  client: PgClient,
  input: Pick<IdempotencyRecord, "scope" | "key" | "requestHash"> & { now: Date },
): Promise<Exclude<AcceptOutcome, { kind: "accepted" }> | null> {
  return outcomeOfEarlierClaim(
    await readIdempotencyKey(client, input, false),
    input,
    input.now.getTime(),
  );
}

// Every row of a batch in ONE statement (one round trip): a transaction's statements wait for
// the event loop between them, which under load is busy with the requests themselves.
const insertRowsSql = `with
  m as (insert into messages (id, status, from_email, subject, envelope, payload, send_at, api_key_id, created_at, updated_at) select * from ${unnestOf(["text", "text", "text", "text", "text", "text", "bigint", "text", "bigint", "bigint"], 1)}),
  r as (insert into recipients (message_id, email, kind, status, updated_at, position) select m, e, k, 'queued', u, p from ${unnestOf(["text", "text", "text", "bigint", "integer"], 11)} as r(m, e, k, u, p)),
  t as (insert into message_tags (message_id, tag) select * from ${unnestOf(["text", "text"], 16)}),
  j as (insert into jobs (id, message_id, run_at, created_at) select * from ${unnestOf(["text", "text", "bigint", "bigint"], 18)}),
  e as (${insertEventsSql(22)})
select 1`;

/**
 * Writes accepted messages' rows: messages, recipients, tags, `queued` events and jobs, one
 * statement per table for all of them.
 */
async function insertMessageRows(client: PgClient, inputs: MessageRowsInput[]): Promise<void> {
  if (inputs.length === 0) {
    return;
  }
  const messageRows: unknown[][] = [];
  const recipientRows: unknown[][] = [];
  const tagRows: unknown[][] = [];
  const jobRows: unknown[][] = [];
  const events: StoredEvent[] = [];
  for (const input of inputs) {
    const { message } = input;
    const now = input.acceptedAt.getTime();
    messageRows.push([
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
    ]);
    const kinds = recipientKindsOf(message);
    let position = 0;
    for (const [email, kind] of kinds) {
      recipientRows.push([message.id, email, kind, now, position]);
      position += 1;
    }
    for (const tag of new Set(message.tags)) {
      tagRows.push([message.id, tag]);
    }
    events.push(
      ...ownEventsOf({
        messageId: message.id,
        recipients: [...kinds.keys()],
        type: "queued",
        at: input.acceptedAt,
        tags: message.tags,
        metadata: message.metadata,
      }),
    );
    jobRows.push([jobIdOf(message.id), message.id, input.runAt.getTime(), now]);
  }
  await client.query({
    name: "insert_message_rows",
    text: insertRowsSql,
    values: [
      ...columnArrays(messageRows, 10),
      ...columnArrays(recipientRows, 5),
      ...columnArrays(tagRows, 2),
      ...columnArrays(jobRows, 4),
      ...eventColumnArrays(events),
    ],
  });
}
