import {
  advanceRecipientStatus,
  aggregateMessageStatus,
  type IncomingEvent,
  newId,
  type RecipientStatus,
  type RecordEventsResult,
  suppressionReasonOf,
} from "@mailroute/core";
import type Database from "better-sqlite3";
import type { SqliteDatabase } from "../open-database";

// A webhook batch can hold a thousand events: raw prepared statements, compiled once per
// connection, instead of building each query per event.
interface EventStatements {
  messageById: Database.Statement<[string]>;
  messageByAttempt: Database.Statement<[string, string]>;
  insertEvent: Database.Statement<unknown[]>;
  recipientStatus: Database.Statement<[string, string]>;
  updateRecipient: Database.Statement<[string, number, string, string]>;
  messageStatus: Database.Statement<[string]>;
  recipientStatuses: Database.Statement<[string]>;
  updateMessage: Database.Statement<[string, number, string]>;
  insertSuppression: Database.Statement<
    [string, string, string, string, string | null, string | null, number]
  >;
}

const statements = new WeakMap<Database.Database, EventStatements>();

function prepare(client: Database.Database): EventStatements {
  const cached = statements.get(client);
  if (cached) {
    return cached;
  }
  const prepared: EventStatements = {
    messageById: client.prepare("select id from messages where id = ?"),
    messageByAttempt: client.prepare(
      "select message_id as id from send_attempts where provider_message_id = ? and provider = ? limit 1",
    ),
    insertEvent: client.prepare(
      `insert into delivery_events (id, message_id, provider, provider_type, provider_message_id, provider_event_id,
        dedupe_key, type, bounce, recipient, occurred_at, received_at, reason, smtp_code, enhanced_status, url,
        user_agent, tags, metadata, raw)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (provider, dedupe_key) do nothing`,
    ),
    recipientStatus: client.prepare(
      "select status from recipients where message_id = ? and email = ?",
    ),
    updateRecipient: client.prepare(
      "update recipients set status = ?, updated_at = ? where message_id = ? and email = ?",
    ),
    messageStatus: client.prepare("select status from messages where id = ?"),
    recipientStatuses: client.prepare("select status from recipients where message_id = ?"),
    updateMessage: client.prepare("update messages set status = ?, updated_at = ? where id = ?"),
    insertSuppression: client.prepare(
      `insert into suppressions (email, reason, provider, event_id, message_id, note, created_at)
       values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
    ),
  };
  statements.set(client, prepared);
  return prepared;
}

/** Finds the message an event belongs to: our id first, then the provider's id on an attempt. */
function correlate(
  statement: EventStatements,
  provider: string,
  event: IncomingEvent,
  cache: Map<string, string | null>,
): string | null {
  const key = `${event.mailrouteId ?? ""}|${event.providerMessageId ?? ""}`;
  const cached = cache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  let messageId: string | null = null;
  if (event.mailrouteId) {
    messageId =
      (statement.messageById.get(event.mailrouteId) as { id: string } | undefined)?.id ?? null;
  }
  if (!messageId && event.providerMessageId) {
    messageId =
      (
        statement.messageByAttempt.get(event.providerMessageId, provider) as
          | { id: string }
          | undefined
      )?.id ?? null;
  }
  cache.set(key, messageId);
  return messageId;
}

/** Moves the recipient forward; true when its status changed. */
function advance(
  statement: EventStatements,
  messageId: string,
  event: IncomingEvent,
  at: number,
): boolean {
  if (!event.recipient) {
    return false;
  }
  const row = statement.recipientStatus.get(messageId, event.recipient) as
    | { status: RecipientStatus }
    | undefined;
  if (!row) {
    return false;
  }
  const next = advanceRecipientStatus(row.status, event.type, event.bounce);
  if (next === row.status) {
    return false;
  }
  statement.updateRecipient.run(next, at, messageId, event.recipient);
  return true;
}

/** Recomputes a message's status from its recipients, unless dispatch still owns it. */
function aggregate(statement: EventStatements, messageId: string, at: number): void {
  const message = statement.messageStatus.get(messageId) as { status: string } | undefined;
  // While dispatch still owns the message it sets the status itself when it finishes.
  if (!message || message.status === "queued" || message.status === "sending") {
    return;
  }
  const all = statement.recipientStatuses.all(messageId) as { status: RecipientStatus }[];
  statement.updateMessage.run(
    aggregateMessageStatus(all.map((recipient) => recipient.status)),
    at,
    messageId,
  );
}

/** Records one webhook delivery's events in one transaction (see MailStore.recordProviderEvents). */
export function recordProviderEvents(
  db: SqliteDatabase,
  client: Database.Database,
  input: { provider: string; providerType: string; receivedAt: Date; events: IncomingEvent[] },
): RecordEventsResult {
  const statement = prepare(client);
  const receivedAt = input.receivedAt.getTime();
  return db.transaction(() => {
    const result: RecordEventsResult = { stored: 0, duplicates: 0, orphans: 0, suppressed: [] };
    const cache = new Map<string, string | null>();
    // Each message's status is recomputed once per batch, after all its recipients moved.
    const touched = new Set<string>();
    for (const event of input.events) {
      const messageId = correlate(statement, input.provider, event, cache);
      const id = newId("evt", receivedAt);
      const inserted = statement.insertEvent.run(
        id,
        messageId,
        input.provider,
        input.providerType,
        event.providerMessageId,
        event.providerEventId,
        event.dedupeKey,
        event.type,
        event.bounce,
        event.recipient,
        event.occurredAt === null ? receivedAt : Date.parse(event.occurredAt),
        receivedAt,
        event.reason,
        event.smtpCode,
        event.enhancedStatus,
        event.url,
        event.userAgent,
        JSON.stringify(event.tags),
        JSON.stringify(event.metadata),
        JSON.stringify(event.raw ?? null),
      );
      if (inserted.changes === 0) {
        result.duplicates += 1;
        continue;
      }
      result.stored += 1;
      if (messageId) {
        if (advance(statement, messageId, event, receivedAt)) {
          touched.add(messageId);
        }
      } else {
        result.orphans += 1;
      }
      const reason = suppressionReasonOf(event.type, event.bounce);
      if (reason && event.recipient) {
        const added = statement.insertSuppression.run(
          event.recipient,
          reason,
          input.provider,
          id,
          messageId,
          event.reason,
          receivedAt,
        );
        if (added.changes > 0) {
          result.suppressed.push(event.recipient);
        }
      }
    }
    for (const messageId of touched) {
      aggregate(statement, messageId, receivedAt);
    }
    return result;
  });
}
