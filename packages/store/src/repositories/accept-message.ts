import { type AcceptMessageInput, type AcceptOutcome, recipientsOf } from "@mailroute/core";
import type Database from "better-sqlite3";
import type { SqliteDatabase } from "../open-database";
import { dispatchEventRows } from "./event-rows";

// The accept path is the hottest write: raw prepared statements, compiled once per connection,
// instead of building the SQL on every request.
interface AcceptStatements {
  findKey: Database.Statement<[string, string]>;
  deleteKey: Database.Statement<[string, string]>;
  insertKey: Database.Statement<[string, string, string, number, string, number, number]>;
  insertMessage: Database.Statement<
    [string, string, string, string, string, number | null, number, number]
  >;
  insertRecipient: Database.Statement<[string, string, string, number]>;
  insertTag: Database.Statement<[string, string]>;
  insertEvent: Database.Statement<
    [string, string, string, string, string, number, number, string, string]
  >;
  insertJob: Database.Statement<[string, string, number, number]>;
}

const statements = new WeakMap<Database.Database, AcceptStatements>();

function prepare(client: Database.Database): AcceptStatements {
  const cached = statements.get(client);
  if (cached) {
    return cached;
  }
  const prepared: AcceptStatements = {
    findKey: client.prepare(
      "select request_hash as requestHash, response_status as responseStatus, response_body as responseBody, expires_at as expiresAt from idempotency_keys where scope = ? and key = ?",
    ),
    deleteKey: client.prepare("delete from idempotency_keys where scope = ? and key = ?"),
    insertKey: client.prepare(
      "insert into idempotency_keys (scope, key, request_hash, response_status, response_body, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)",
    ),
    insertMessage: client.prepare(
      "insert into messages (id, status, from_email, subject, envelope, payload, send_at, created_at, updated_at) values (?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
    ),
    insertRecipient: client.prepare(
      "insert into recipients (message_id, email, kind, status, updated_at) values (?, ?, ?, 'queued', ?)",
    ),
    insertTag: client.prepare("insert into message_tags (message_id, tag) values (?, ?)"),
    insertEvent: client.prepare(
      "insert into delivery_events (id, message_id, provider, provider_type, type, recipient, occurred_at, received_at, tags, metadata) values (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
    ),
    insertJob: client.prepare(
      "insert into jobs (id, message_id, run_at, created_at) values (?, ?, ?, ?)",
    ),
  };
  statements.set(client, prepared);
  return prepared;
}

/**
 * Stores a message, its recipients, tags, `queued` events, dispatch job and idempotency key in
 * one transaction (a savepoint of the group commit), or answers from an earlier request with the
 * same key.
 */
export function acceptMessage(
  db: SqliteDatabase,
  client: Database.Database,
  input: AcceptMessageInput,
): AcceptOutcome {
  const statement = prepare(client);
  return db.transaction((): AcceptOutcome => {
    const { message, idempotency } = input;
    const now = input.acceptedAt.getTime();
    if (idempotency) {
      const existing = statement.findKey.get(idempotency.scope, idempotency.key) as
        | { requestHash: string; responseStatus: number; responseBody: string; expiresAt: number }
        | undefined;
      if (existing && existing.expiresAt > now) {
        if (existing.requestHash !== idempotency.requestHash) {
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
      if (existing) {
        statement.deleteKey.run(idempotency.scope, idempotency.key);
      }
      statement.insertKey.run(
        idempotency.scope,
        idempotency.key,
        idempotency.requestHash,
        input.response.status,
        JSON.stringify(input.response.body),
        now,
        idempotency.expiresAt.getTime(),
      );
    }
    statement.insertMessage.run(
      message.id,
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
      now,
      now,
    );
    const seen = new Set<string>();
    for (const [kind, list] of [
      ["to", message.to],
      ["cc", message.cc],
      ["bcc", message.bcc],
    ] as const) {
      for (const address of list) {
        const email = address.email.toLowerCase();
        if (!seen.has(email)) {
          seen.add(email);
          statement.insertRecipient.run(message.id, email, kind, now);
        }
      }
    }
    for (const tag of new Set(message.tags)) {
      statement.insertTag.run(message.id, tag);
    }
    for (const event of dispatchEventRows({
      messageId: message.id,
      recipients: recipientsOf(message),
      type: "queued",
      at: input.acceptedAt,
      tags: message.tags,
      metadata: message.metadata,
    })) {
      statement.insertEvent.run(
        event.id,
        message.id,
        event.provider,
        event.providerType,
        event.recipient ?? "",
        now,
        now,
        event.tags,
        event.metadata,
      );
    }
    statement.insertJob.run(`job_${message.id.slice(4)}`, message.id, input.runAt.getTime(), now);
    return { kind: "accepted" };
  });
}
