import {
  type CorrelationLookups,
  correlateEvent,
  correlationIdsOf,
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
import type { PgClient } from "../pg-client";
import { insertEventRow } from "./event-rows";

/**
 * Core's correlation lookups for a whole batch, answered from memory: the messages and attempts
 * the batch's ids can match are read ahead, one query each.
 */
async function lookupsFor(
  client: PgClient,
  provider: string,
  events: readonly IncomingEvent[],
): Promise<CorrelationLookups> {
  const ids = correlationIdsOf(events);
  const known = new Set<string>();
  const byProviderId = new Map<string, string>();
  if (ids.messageIds.length > 0) {
    const rows = await client.query<{ id: string }>({
      name: "event_messages_by_id",
      text: "select id from messages where id = any($1::text[])",
      values: [ids.messageIds],
    });
    for (const row of rows.rows) {
      known.add(row.id);
    }
  }
  if (ids.providerMessageIds.length > 0) {
    const rows = await client.query<{ providerMessageId: string; messageId: string }>({
      name: "event_messages_by_attempt",
      text: `select distinct on (provider_message_id) provider_message_id as "providerMessageId", message_id as "messageId" from send_attempts where provider = $1 and provider_message_id = any($2::text[]) order by provider_message_id, started_at, id`,
      values: [provider, ids.providerMessageIds],
    });
    for (const row of rows.rows) {
      byProviderId.set(row.providerMessageId, row.messageId);
    }
  }
  return {
    messageById: (id) => (known.has(id) ? id : null),
    // Only this provider's attempts were read.
    messageOfAttempt: (attemptProvider, providerMessageId) =>
      attemptProvider === provider ? (byProviderId.get(providerMessageId) ?? null) : null,
  };
}

/**
 * A message's recipients as the batch moves them, read once and locked: a webhook batch or a
 * dispatch move of the same message on another instance waits, so neither overwrites the
 * other's advance.
 */
async function recipientMovesFor(
  client: PgClient,
  moves: Map<string, RecipientMoves>,
  messageId: string,
): Promise<RecipientMoves> {
  let state = moves.get(messageId);
  if (!state) {
    const rows = await client.query<{ email: string; status: RecipientStatus }>({
      name: "event_recipients_for_update",
      text: "select email, status from recipients where message_id = $1 order by position for update",
      values: [messageId],
    });
    state = recipientMovesOf(rows.rows);
    moves.set(messageId, state);
  }
  return state;
}

/** Writes the recipients a batch moved, and the message's status when core says it changes. */
async function writeBack(
  client: PgClient,
  messageId: string,
  moves: RecipientMoves,
  at: number,
): Promise<void> {
  const moved = movedRecipients(moves);
  if (moved.length === 0) {
    return;
  }
  await client.query({
    name: "event_update_recipients",
    text: "update recipients r set status = u.status, updated_at = $1 from unnest($2::text[], $3::text[]) as u(email, status) where r.message_id = $4 and r.email = u.email",
    values: [
      at,
      moved.map((recipient) => recipient.email),
      moved.map((recipient) => recipient.status),
      messageId,
    ],
  });
  const message = (
    await client.query<{ status: MessageStatus }>({
      name: "event_message_status",
      text: "select status from messages where id = $1 for update",
      values: [messageId],
    })
  ).rows[0];
  const status = messageStatusAfterEvents(message?.status ?? null, moves);
  if (status) {
    await client.query({
      name: "event_update_message",
      text: "update messages set status = $1, updated_at = $2 where id = $3",
      values: [status, at, messageId],
    });
  }
}

/** Records one webhook delivery's events in one transaction (see MailStore.recordProviderEvents). */
export async function recordProviderEvents(
  client: PgClient,
  input: { provider: string; providerType: string; receivedAt: Date; events: IncomingEvent[] },
): Promise<RecordEventsResult> {
  const receivedAt = input.receivedAt.getTime();
  const result: RecordEventsResult = { stored: 0, duplicates: 0, orphans: 0, suppressed: [] };
  const lookups = await lookupsFor(client, input.provider, input.events);
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
    // Waits for a concurrent insert of the same dedupe key (another instance) to settle, so a
    // redelivery arriving at two instances at once is stored once.
    if (!(await insertEventRow(client, stored))) {
      result.duplicates += 1;
      continue;
    }
    result.stored += 1;
    if (messageId) {
      moveRecipient(await recipientMovesFor(client, moves, messageId), event);
    } else {
      result.orphans += 1;
    }
    const suppression = suppressionOfEvent(event, {
      provider: input.provider,
      eventId: stored.id,
      messageId,
    });
    if (suppression) {
      const added = await client.query({
        name: "event_suppress",
        text: `insert into suppressions (email, reason, provider, event_id, message_id, note, created_at)
          values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
        values: [
          suppression.email,
          suppression.reason,
          suppression.provider,
          suppression.eventId,
          suppression.messageId,
          suppression.note,
          receivedAt,
        ],
      });
      if ((added.rowCount ?? 0) > 0) {
        result.suppressed.push(suppression.email);
      }
    }
  }
  for (const [messageId, state] of moves) {
    await writeBack(client, messageId, state, receivedAt);
  }
  return result;
}
