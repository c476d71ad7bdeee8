import {
  advanceRecipientStatus,
  aggregateMessageStatus,
  type IncomingEvent,
  newId,
  type RecipientStatus,
  type RecordEventsResult,
  suppressionReasonOf,
} from "@mailroute/core";
import type { PgClient } from "../pg-client";
import { insertEventRow } from "./event-rows";

/** Finds the message an event belongs to: our id first, then the provider's id on an attempt. */
async function correlate(
  client: PgClient,
  provider: string,
  event: IncomingEvent,
  cache: Map<string, string | null>,
): Promise<string | null> {
  const key = `${event.mailrouteId ?? ""}|${event.providerMessageId ?? ""}`;
  const cached = cache.get(key);
  if (cached !== undefined) {
    return cached;
  }
  let messageId: string | null = null;
  if (event.mailrouteId) {
    const found = await client.query<{ id: string }>({
      name: "event_message_by_id",
      text: "select id from messages where id = $1",
      values: [event.mailrouteId],
    });
    messageId = found.rows[0]?.id ?? null;
  }
  if (!messageId && event.providerMessageId) {
    const found = await client.query<{ id: string }>({
      name: "event_message_by_attempt",
      text: "select message_id as id from send_attempts where provider_message_id = $1 and provider = $2 limit 1",
      values: [event.providerMessageId, provider],
    });
    messageId = found.rows[0]?.id ?? null;
  }
  cache.set(key, messageId);
  return messageId;
}

/** A message's recipients as the batch moves them: read once, written once at the end. */
interface RecipientState {
  statuses: Map<string, RecipientStatus>;
  changed: Set<string>;
}

/**
 * Reads a message's recipients, locking them: a webhook batch on another instance moving the
 * same message waits, so neither overwrites the other's advance.
 */
async function recipientStateOf(
  client: PgClient,
  states: Map<string, RecipientState>,
  messageId: string,
): Promise<RecipientState> {
  let state = states.get(messageId);
  if (!state) {
    const rows = await client.query<{ email: string; status: RecipientStatus }>({
      name: "event_recipients_for_update",
      text: "select email, status from recipients where message_id = $1 for update",
      values: [messageId],
    });
    state = {
      statuses: new Map(rows.rows.map((row) => [row.email, row.status])),
      changed: new Set(),
    };
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
async function writeBack(
  client: PgClient,
  messageId: string,
  state: RecipientState,
  at: number,
): Promise<void> {
  if (state.changed.size === 0) {
    return;
  }
  const emails = [...state.changed];
  await client.query({
    name: "event_update_recipients",
    text: "update recipients r set status = u.status, updated_at = $1 from unnest($2::text[], $3::text[]) as u(email, status) where r.message_id = $4 and r.email = u.email",
    values: [at, emails, emails.map((email) => state.statuses.get(email)), messageId],
  });
  const message = (
    await client.query<{ status: string }>({
      name: "event_message_status",
      text: "select status from messages where id = $1 for update",
      values: [messageId],
    })
  ).rows[0];
  if (
    !message ||
    message.status === "queued" ||
    message.status === "scheduled" ||
    message.status === "sending"
  ) {
    return;
  }
  await client.query({
    name: "event_update_message",
    text: "update messages set status = $1, updated_at = $2 where id = $3",
    values: [aggregateMessageStatus([...state.statuses.values()]), at, messageId],
  });
}

/** Records one webhook delivery's events in one transaction (see MailStore.recordProviderEvents). */
export async function recordProviderEvents(
  client: PgClient,
  input: { provider: string; providerType: string; receivedAt: Date; events: IncomingEvent[] },
): Promise<RecordEventsResult> {
  const receivedAt = input.receivedAt.getTime();
  const result: RecordEventsResult = { stored: 0, duplicates: 0, orphans: 0, suppressed: [] };
  const cache = new Map<string, string | null>();
  const states = new Map<string, RecipientState>();
  for (const event of input.events) {
    const messageId = await correlate(client, input.provider, event, cache);
    const id = newId("evt", receivedAt);
    const inserted = await insertEventRow(client, {
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
      advance(await recipientStateOf(client, states, messageId), event);
    } else {
      result.orphans += 1;
    }
    const reason = suppressionReasonOf(event.type, event.bounce);
    if (reason && event.recipient) {
      const added = await client.query({
        name: "event_suppress",
        text: `insert into suppressions (email, reason, provider, event_id, message_id, note, created_at)
          values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
        values: [event.recipient, reason, input.provider, id, messageId, event.reason, receivedAt],
      });
      if ((added.rowCount ?? 0) > 0) {
        result.suppressed.push(event.recipient);
      }
    }
  }
  for (const [messageId, state] of states) {
    await writeBack(client, messageId, state, receivedAt);
  }
  return result;
}
