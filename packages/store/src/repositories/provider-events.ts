import {
  correlateEvent,
  type IncomingEvent,
  type MessageStatus,
  messageStatusAfterEvents,
  movedRecipients,
  moveRecipient,
  type RecipientMoves,
  type RecipientStatus,
  type RecordEventsResult,
  recipientMovesOf,
  storedEventOf,
  suppressionOfEvent,
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

/** Core's correlation lookups over the compiled statements, each id read once per batch. */
function lookupsOf(statement: EventStatements) {
  const byId = new Map<string, string | null>();
  const byAttempt = new Map<string, string | null>();
  return {
    messageById(id: string): string | null {
      let found = byId.get(id);
      if (found === undefined) {
        found = (statement.messageById.get(id) as { id: string } | undefined)?.id ?? null;
        byId.set(id, found);
      }
      return found;
    },
    messageOfAttempt(provider: string, providerMessageId: string): string | null {
      const key = `${provider}\u0000${providerMessageId}`;
      let found = byAttempt.get(key);
      if (found === undefined) {
        found =
          (
            statement.messageByAttempt.get(providerMessageId, provider) as
              | { id: string }
              | undefined
          )?.id ?? null;
        byAttempt.set(key, found);
      }
      return found;
    },
  };
}

function recipientMovesFor(
  statement: EventStatements,
  moves: Map<string, RecipientMoves>,
  messageId: string,
): RecipientMoves {
  let state = moves.get(messageId);
  if (!state) {
    state = recipientMovesOf(
      statement.recipientsOf.all(messageId) as { email: string; status: RecipientStatus }[],
    );
    moves.set(messageId, state);
  }
  return state;
}

/** Writes the recipients a batch moved, and the message's status when core says it changes. */
function writeBack(
  statement: EventStatements,
  messageId: string,
  moves: RecipientMoves,
  at: number,
): void {
  const moved = movedRecipients(moves);
  if (moved.length === 0) {
    return;
  }
  for (const recipient of moved) {
    statement.updateRecipient.run(recipient.status, at, messageId, recipient.email);
  }
  const message = statement.messageStatus.get(messageId) as { status: MessageStatus } | undefined;
  const status = messageStatusAfterEvents(message?.status ?? null, moves);
  if (status) {
    statement.updateMessage.run(status, at, messageId);
  }
}

/** Records one webhook delivery's events in one transaction (see MailStore.recordProviderEvents). */
export function recordProviderEvents(
  db: SqliteDatabase,
  input: { provider: string; providerType: string; receivedAt: Date; events: IncomingEvent[] },
): RecordEventsResult {
  const statement = statementsOf(db);
  const receivedAt = input.receivedAt.getTime();
  const result: RecordEventsResult = { stored: 0, duplicates: 0, orphans: 0, suppressed: [] };
  const lookups = lookupsOf(statement);
  // Each message's recipients are read once per batch and written back, with the message's
  // status, once at the end.
  const moves = new Map<string, RecipientMoves>();
  for (const event of input.events) {
    const messageId = correlateEvent(event, input.provider, lookups);
    const stored = storedEventOf(event, {
      messageId,
      provider: input.provider,
      providerType: input.providerType,
      receivedAt,
    });
    if (!insertEventRow(db, stored)) {
      result.duplicates += 1;
      continue;
    }
    result.stored += 1;
    if (messageId) {
      moveRecipient(recipientMovesFor(statement, moves, messageId), event);
    } else {
      result.orphans += 1;
    }
    const suppression = suppressionOfEvent(event, {
      provider: input.provider,
      eventId: stored.id,
      messageId,
    });
    if (suppression) {
      const added = statement.insertSuppression.run(
        suppression.email,
        suppression.reason,
        suppression.provider,
        suppression.eventId,
        suppression.messageId,
        suppression.note,
        receivedAt,
      );
      if (added.changes > 0) {
        result.suppressed.push(suppression.email);
      }
    }
  }
  for (const [messageId, state] of moves) {
    writeBack(statement, messageId, state, receivedAt);
  }
  return result;
}
