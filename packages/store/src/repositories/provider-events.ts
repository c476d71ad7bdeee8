import {
  advanceRecipientStatus,
  aggregateMessageStatus,
  type IncomingEvent,
  newId,
  type RecipientStatus,
  type RecordEventsResult,
  suppressionReasonOf,
} from "@mailroute/core";
import type { SqliteDatabase } from "../open-database";
import { insertEventRow } from "./event-rows";
import { prepared } from "./prepared";

// A webhook batch can hold a thousand events: compiled statements, looked up once per batch.
function statementsOf(db: SqliteDatabase) {
  return {
    messageById: prepared(db, "select id from messages where id = ?"),
    recipientsOf: prepared(db, "select email, status from recipients where message_id = ?"),
    messageByAttempt: prepared(
      db,
      "select message_id as id from send_attempts where provider_message_id = ? and provider = ? limit 1",
    ),
    updateRecipient: prepared(
      db,
      "update recipients set status = ?, updated_at = ? where message_id = ? and email = ?",
    ),
    messageStatus: prepared(db, "select status from messages where id = ?"),
    updateMessage: prepared(db, "update messages set status = ?, updated_at = ? where id = ?"),
    insertSuppression: prepared(
      db,
      `insert into suppressions (email, reason, provider, event_id, message_id, note, created_at)
       values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
    ),
  };
}

type EventStatements = ReturnType<typeof statementsOf>;

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

/** A message's recipients as the batch moves them: read once, written once at the end. */
interface RecipientState {
  statuses: Map<string, RecipientStatus>;
  changed: Set<string>;
}

function recipientStateOf(
  statement: EventStatements,
  states: Map<string, RecipientState>,
  messageId: string,
): RecipientState {
  let state = states.get(messageId);
  if (!state) {
    const rows = statement.recipientsOf.all(messageId) as {
      email: string;
      status: RecipientStatus;
    }[];
    state = { statuses: new Map(rows.map((row) => [row.email, row.status])), changed: new Set() };
    states.set(messageId, state);
  }
  return state;
}

/** Moves the recipient forward in the batch's state. */
function advance(state: RecipientState, event: IncomingEvent): void {
  const current = event.recipient ? state.statuses.get(event.recipient) : undefined;
  if (!event.recipient || current === undefined) {
    return;
  }
  const next = advanceRecipientStatus(current, event.type, event.bounce);
  if (next !== current) {
    state.statuses.set(event.recipient, next);
    state.changed.add(event.recipient);
  }
}

/**
 * Writes the recipients a batch moved and recomputes the message's status from them, unless
 * dispatch still owns the message (it sets the status itself when it finishes).
 */
function writeBack(
  statement: EventStatements,
  messageId: string,
  state: RecipientState,
  at: number,
): void {
  if (state.changed.size === 0) {
    return;
  }
  for (const email of state.changed) {
    statement.updateRecipient.run(state.statuses.get(email) as string, at, messageId, email);
  }
  const message = statement.messageStatus.get(messageId) as { status: string } | undefined;
  if (
    !message ||
    message.status === "queued" ||
    message.status === "scheduled" ||
    message.status === "sending"
  ) {
    return;
  }
  statement.updateMessage.run(aggregateMessageStatus([...state.statuses.values()]), at, messageId);
}

/** Records one webhook delivery's events in one transaction (see MailStore.recordProviderEvents). */
export function recordProviderEvents(
  db: SqliteDatabase,
  input: { provider: string; providerType: string; receivedAt: Date; events: IncomingEvent[] },
): RecordEventsResult {
  const statement = statementsOf(db);
  const receivedAt = input.receivedAt.getTime();
  const result: RecordEventsResult = { stored: 0, duplicates: 0, orphans: 0, suppressed: [] };
  const cache = new Map<string, string | null>();
  // Each message's recipients are read once per batch and written back, with the message's
  // status, once at the end.
  const states = new Map<string, RecipientState>();
  for (const event of input.events) {
    const messageId = correlate(statement, input.provider, event, cache);
    const id = newId("evt", receivedAt);
    const inserted = insertEventRow(db, {
      id,
      messageId,
      provider: input.provider,
      providerType: input.providerType,
      providerMessageId: event.providerMessageId,
      providerEventId: event.providerEventId,
      dedupeKey: event.dedupeKey,
      type: event.type,
      bounce: event.bounce,
      recipient: event.recipient,
      occurredAt: event.occurredAt === null ? receivedAt : Date.parse(event.occurredAt),
      receivedAt,
      reason: event.reason,
      smtpCode: event.smtpCode,
      enhancedStatus: event.enhancedStatus,
      url: event.url,
      userAgent: event.userAgent,
      tags: JSON.stringify(event.tags),
      metadata: JSON.stringify(event.metadata),
      raw: JSON.stringify(event.raw ?? null),
    });
    if (!inserted) {
      result.duplicates += 1;
      continue;
    }
    result.stored += 1;
    if (messageId) {
      advance(recipientStateOf(statement, states, messageId), event);
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
  for (const [messageId, state] of states) {
    writeBack(statement, messageId, state, receivedAt);
  }
  return result;
}
