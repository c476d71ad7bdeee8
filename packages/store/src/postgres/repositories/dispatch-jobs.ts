import {
  type AttemptError,
  type AttemptOnClaim,
  type AttemptResult,
  attemptStartStatuses,
  attemptsToInterrupt,
  type ClaimedJob,
  type CompleteMessageInput,
  canCancel,
  cancelledThroughApi,
  canRelease,
  claimedJobOf,
  completedMessageStatus,
  type EmailMessage,
  interruptedAttemptError,
  jobIdOf,
  LeaseLostError,
  type MessageStatus,
  newId,
  ownEventsOf,
  type RecipientStatus,
  type RoutePlan,
  recipientsToMove,
  statusesAfterMove,
  suppressedMessageError,
} from "@mailroute/core";
import type { PgClient } from "../pg-client";
import { insertEventRows } from "./event-rows";

interface DueJob {
  id: string;
  messageId: string;
  runAt: number;
  rounds: number;
  pinnedProvider: string | null;
}

/**
 * Leases due jobs whose lease is free or expired. `for update skip locked`: instances claiming
 * at the same moment each take different jobs instead of waiting for one another. Attempts a dead
 * worker (or a killed instance) left in flight are marked ambiguous in the same transaction and
 * returned, so the dispatcher can apply its policy.
 */
export async function claimJobs(
  client: PgClient,
  input: { owner: string; limit: number; leaseMs: number; now: Date },
): Promise<ClaimedJob[]> {
  const now = input.now.getTime();
  const due = (
    await client.query<DueJob>({
      name: "claim_jobs",
      text: `update jobs set lease_owner = $1, lease_until = $2 where id in (
        select id from jobs where run_at <= $3 and (lease_until is null or lease_until < $3)
        order by run_at limit $4 for update skip locked)
      returning id, message_id as "messageId", run_at as "runAt", rounds, pinned_provider as "pinnedProvider"`,
      values: [input.owner, now + input.leaseMs, now, input.limit],
    })
  ).rows.sort((a, b) => a.runAt - b.runAt);
  if (due.length === 0) {
    return [];
  }
  const messageIds = due.map((job) => job.messageId);
  const messageRows = await client.query<{
    id: string;
    payload: string;
    createdAt: number;
    possibleDuplicate: boolean;
  }>({
    name: "claim_read_messages",
    text: `select id, payload, created_at as "createdAt", possible_duplicate as "possibleDuplicate" from messages where id = any($1::text[])`,
    values: [messageIds],
  });
  // Every attempt of the claimed messages, read before any is marked: core decides from them.
  const attemptRows = await client.query<AttemptOnClaim & { messageId: string }>({
    name: "claim_read_attempts",
    text: `select message_id as "messageId", id, provider, outcome, error::jsonb ->> 'code' as "errorCode", provider_message_id as "providerMessageId" from send_attempts where message_id = any($1::text[]) order by started_at, id`,
    values: [messageIds],
  });
  const attemptsById = new Map<string, AttemptOnClaim[]>();
  for (const { messageId, ...attempt } of attemptRows.rows) {
    const list = attemptsById.get(messageId) ?? [];
    list.push(attempt);
    attemptsById.set(messageId, list);
  }
  const messagesById = new Map(messageRows.rows.map((row) => [row.id, row]));
  const claimed = due.flatMap((job): ClaimedJob[] => {
    const row = messagesById.get(job.messageId);
    if (!row) {
      return [];
    }
    return [
      claimedJobOf({
        jobId: job.id,
        rounds: job.rounds,
        pinnedProvider: job.pinnedProvider,
        message: JSON.parse(row.payload) as EmailMessage,
        acceptedAt: new Date(row.createdAt),
        possibleDuplicate: row.possibleDuplicate,
        attempts: attemptsById.get(job.messageId) ?? [],
      }),
    ];
  });
  const interrupted = due.flatMap((job) =>
    messagesById.has(job.messageId)
      ? attemptsToInterrupt(attemptsById.get(job.messageId) ?? [])
      : [],
  );
  if (interrupted.length > 0) {
    await client.query({
      name: "claim_mark_interrupted",
      text: "update send_attempts set outcome = 'ambiguous', error = $1 where id = any($2::text[])",
      values: [interruptedJson, interrupted],
    });
  }
  return claimed;
}

const interruptedJson = JSON.stringify(interruptedAttemptError);

/** Extends the lease (failing if it was lost), writes the in-flight attempt, marks the message sending. */
export async function startAttempt(
  client: PgClient,
  input: {
    messageId: string;
    jobId: string;
    owner: string;
    provider: string;
    startedAt: Date;
    leaseUntil: Date;
  },
): Promise<string> {
  const startedAt = input.startedAt.getTime();
  const renewed = await client.query({
    name: "renew_lease",
    text: "update jobs set lease_until = $1 where id = $2 and lease_owner = $3",
    values: [input.leaseUntil.getTime(), input.jobId, input.owner],
  });
  if ((renewed.rowCount ?? 0) === 0) {
    throw new LeaseLostError(input.jobId);
  }
  const id = newId("att", startedAt);
  await client.query({
    name: "insert_attempt",
    text: "insert into send_attempts (id, message_id, job_id, provider, outcome, started_at) values ($1, $2, $3, $4, 'in_flight', $5)",
    values: [id, input.messageId, input.jobId, input.provider, startedAt],
  });
  await client.query({
    name: "mark_sending",
    // From core's list of the statuses an attempt's start moves to `sending`.
    text: "update messages set status = 'sending', updated_at = $1 where id = $2 and status = any($3::text[])",
    values: [startedAt, input.messageId, attemptStartStatuses],
  });
  return id;
}

/** Records how an attempt ended. */
export async function finishAttempt(
  client: PgClient,
  attemptId: string,
  result: AttemptResult,
): Promise<void> {
  await client.query({
    name: "finish_attempt",
    text: "update send_attempts set outcome = $1, duration_ms = $2, provider_message_id = $3, error = $4 where id = $5",
    values: [
      result.outcome,
      result.durationMs,
      result.providerMessageId ?? null,
      result.error ? JSON.stringify(result.error) : null,
      attemptId,
    ],
  });
}

/** Stores the routing trace of the latest round. */
export async function saveRouting(
  client: PgClient,
  messageId: string,
  routing: RoutePlan,
): Promise<void> {
  await client.query({
    name: "save_routing",
    text: "update messages set routing = $1 where id = $2",
    values: [JSON.stringify(routing), messageId],
  });
}

/**
 * Moves the recipients core's `recipientsToMove` picks (all, or only `emails`) to `status` and
 * appends one dispatch event per recipient moved. Returns every recipient's status after the
 * move, or null when the message does not exist. The recipients are read in the message's order
 * and locked, so a webhook moving the same message on another instance waits.
 */
async function moveQueuedRecipients(
  client: PgClient,
  input: {
    messageId: string;
    status: "sent" | "failed" | "rejected" | "cancelled";
    emails?: string[] | undefined;
    at: Date;
    provider?: string | undefined;
    providerType?: string | undefined;
    providerMessageId?: string | null | undefined;
    reason?: string | undefined;
  },
): Promise<RecipientStatus[] | null> {
  const row = (
    await client.query<{ envelope: string }>({
      name: "read_envelope",
      text: "select envelope from messages where id = $1",
      values: [input.messageId],
    })
  ).rows[0];
  if (!row) {
    return null;
  }
  const recipients = (
    await client.query<{ email: string; status: RecipientStatus }>({
      name: "recipients_for_move",
      text: "select email, status from recipients where message_id = $1 order by position for update",
      values: [input.messageId],
    })
  ).rows;
  const moved = recipientsToMove(recipients, input.emails);
  if (moved.length > 0) {
    await client.query({
      name: "move_recipients",
      text: "update recipients set status = $1, updated_at = $2 where message_id = $3 and email = any($4::text[])",
      values: [input.status, input.at.getTime(), input.messageId, moved],
    });
  }
  const envelope = JSON.parse(row.envelope) as { tags: string[]; metadata: Record<string, string> };
  await insertEventRows(
    client,
    ownEventsOf({
      messageId: input.messageId,
      recipients: moved,
      type: input.status,
      at: input.at,
      provider: input.provider,
      providerType: input.providerType,
      providerMessageId: input.providerMessageId,
      reason: input.reason,
      tags: envelope.tags,
      metadata: envelope.metadata,
    }),
  );
  return statusesAfterMove(recipients, moved, input.status);
}

/**
 * Removes the job, provided `owner` still holds its lease; throws {@link LeaseLostError}
 * otherwise (the job is gone, or another worker claimed it after this one's lease ran out), so
 * the transaction it starts is rolled back whole. Run first: the job row is locked before the
 * message's rows, in the order every dispatch write locks them, and a claim on another instance
 * skips it until the commit.
 */
async function removeLeasedJob(client: PgClient, jobId: string, owner: string): Promise<void> {
  const removed = await client.query({
    name: "delete_leased_job",
    text: "delete from jobs where id = $1 and lease_owner = $2",
    values: [jobId, owner],
  });
  if ((removed.rowCount ?? 0) === 0) {
    throw new LeaseLostError(jobId);
  }
}

/**
 * Moves a message to `sent` or `failed`: message, recipients, events and job in one transaction.
 * Only recipients still `queued` move; the message then shows the aggregate. Refused with
 * {@link LeaseLostError} unless `owner` still holds the job's lease.
 */
export async function completeMessage(
  client: PgClient,
  input: CompleteMessageInput,
): Promise<void> {
  await removeLeasedJob(client, input.jobId, input.owner);
  const statuses = await moveQueuedRecipients(client, {
    messageId: input.messageId,
    status: input.status,
    at: input.at,
    provider: input.provider,
    providerType: input.providerType,
    providerMessageId: input.providerMessageId,
    reason: input.error?.message,
  });
  if (!statuses) {
    return;
  }
  await client.query({
    name: "complete_message",
    text: "update messages set status = $1, provider = $2, provider_message_id = $3, possible_duplicate = $4, error = $5, updated_at = $6 where id = $7",
    values: [
      completedMessageStatus(input.status, statuses),
      input.provider ?? null,
      input.providerMessageId ?? null,
      input.possibleDuplicate,
      input.error ? JSON.stringify(input.error) : null,
      input.at.getTime(),
      input.messageId,
    ],
  });
}

/**
 * Rejects recipients before any provider call (suppressed addresses), or the whole message.
 * Refused with {@link LeaseLostError} unless `owner` still holds the job's lease; the job row
 * stays locked until the commit either way.
 */
export async function rejectRecipients(
  client: PgClient,
  input: {
    messageId: string;
    jobId: string;
    owner: string;
    recipients: string[];
    reason: string;
    final: boolean;
    at: Date;
  },
): Promise<void> {
  if (input.recipients.length === 0) {
    return;
  }
  if (input.final) {
    await removeLeasedJob(client, input.jobId, input.owner);
  } else {
    const leased = await client.query({
      name: "lock_leased_job",
      text: "select 1 from jobs where id = $1 and lease_owner = $2 for update",
      values: [input.jobId, input.owner],
    });
    if ((leased.rowCount ?? 0) === 0) {
      throw new LeaseLostError(input.jobId);
    }
  }
  const found = await moveQueuedRecipients(client, {
    messageId: input.messageId,
    status: "rejected",
    emails: input.recipients,
    at: input.at,
    reason: input.reason,
  });
  if (!found || !input.final) {
    return;
  }
  await client.query({
    name: "reject_message",
    text: "update messages set status = 'rejected', error = $1, updated_at = $2 where id = $3",
    values: [
      JSON.stringify(suppressedMessageError(input.reason)),
      input.at.getTime(),
      input.messageId,
    ],
  });
}

/**
 * Puts a message back in the queue for another round. Refused with {@link LeaseLostError}
 * unless `owner` still holds the job's lease.
 */
export async function retryLater(
  client: PgClient,
  input: {
    jobId: string;
    owner: string;
    messageId: string;
    runAt: Date;
    possibleDuplicate: boolean;
    error?: AttemptError | undefined;
    pin?: string | undefined;
  },
): Promise<void> {
  const requeued = await client.query({
    name: "retry_job",
    text: "update jobs set run_at = $1, lease_owner = null, lease_until = null, rounds = rounds + 1, pinned_provider = $2 where id = $3 and lease_owner = $4",
    values: [input.runAt.getTime(), input.pin ?? null, input.jobId, input.owner],
  });
  if ((requeued.rowCount ?? 0) === 0) {
    throw new LeaseLostError(input.jobId);
  }
  await client.query({
    name: "retry_message",
    text: "update messages set status = 'queued', possible_duplicate = $1, error = $2, updated_at = $3 where id = $4",
    values: [
      input.possibleDuplicate,
      input.error ? JSON.stringify(input.error) : null,
      Date.now(),
      input.messageId,
    ],
  });
}

/**
 * Stops a message (`held`, flagged) and removes its job, until it is released or cancelled.
 * Refused with {@link LeaseLostError} unless `owner` still holds the job's lease.
 */
export async function holdMessage(
  client: PgClient,
  input: { jobId: string; owner: string; messageId: string; error: AttemptError; at: Date },
): Promise<void> {
  await removeLeasedJob(client, input.jobId, input.owner);
  await client.query({
    name: "hold_message",
    text: "update messages set status = 'held', possible_duplicate = true, error = $1, updated_at = $2 where id = $3",
    values: [JSON.stringify(input.error), input.at.getTime(), input.messageId],
  });
}

/** The message's status, its row locked for the rest of the transaction; null when it is gone. */
async function lockedStatusOf(client: PgClient, messageId: string): Promise<MessageStatus | null> {
  const row = (
    await client.query<{ status: MessageStatus }>({
      name: "message_status_for_update",
      text: "select status from messages where id = $1 for update",
      values: [messageId],
    })
  ).rows[0];
  return row?.status ?? null;
}

/** Queues a held message again with a fresh job; false when core's `canRelease` says no. */
export async function releaseMessage(
  client: PgClient,
  messageId: string,
  at: Date,
): Promise<boolean> {
  if (!canRelease(await lockedStatusOf(client, messageId))) {
    return false;
  }
  await client.query({
    name: "release_message",
    text: "update messages set status = 'queued', updated_at = $1 where id = $2",
    values: [at.getTime(), messageId],
  });
  await client.query({
    name: "release_job",
    text: "insert into jobs (id, message_id, run_at, created_at) values ($1, $2, $3, $3) on conflict do nothing",
    values: [jobIdOf(messageId), messageId, at.getTime()],
  });
  return true;
}

/**
 * Cancels a message for good when core's `canCancel` allows it: no further attempt will be made,
 * and each recipient still queued gets a `cancelled` event. The job row is locked first, so a
 * claim on another instance either took it before (and its running lease refuses the cancel) or
 * skips it.
 */
export async function cancelMessage(
  client: PgClient,
  messageId: string,
  at: Date,
): Promise<boolean> {
  const job = (
    await client.query<{ leaseUntil: number | null }>({
      name: "cancel_lock_job",
      text: `select lease_until as "leaseUntil" from jobs where message_id = $1 for update`,
      values: [messageId],
    })
  ).rows[0];
  if (!canCancel(await lockedStatusOf(client, messageId), job?.leaseUntil ?? null, at)) {
    return false;
  }
  await client.query({
    name: "cancel_message",
    text: "update messages set status = 'cancelled', updated_at = $1 where id = $2",
    values: [at.getTime(), messageId],
  });
  await moveQueuedRecipients(client, {
    messageId,
    status: "cancelled",
    at,
    reason: cancelledThroughApi,
  });
  await client.query({
    name: "cancel_delete_job",
    text: "delete from jobs where message_id = $1",
    values: [messageId],
  });
  return true;
}

/** Accepted attempts per provider since a time. */
export async function countAcceptedSince(
  client: PgClient,
  since: Date,
): Promise<Record<string, number>> {
  const rows = await client.query<{ provider: string; count: number }>({
    name: "count_accepted_since",
    text: "select provider, count(*) as count from send_attempts where outcome = 'accepted' and started_at >= $1 group by provider",
    values: [since.getTime()],
  });
  return Object.fromEntries(rows.rows.map((row) => [row.provider, row.count]));
}

/** Jobs not finished yet. */
export async function countPendingJobs(client: PgClient): Promise<number> {
  const rows = await client.query<{ count: number }>("select count(*) as count from jobs");
  return rows.rows[0]?.count ?? 0;
}

/** The dispatch queue at a glance: its depth, and when the longest-waiting due job fell due. */
export async function dispatchQueueStats(
  client: PgClient,
  now: Date,
): Promise<{ depth: number; oldestDueAt: Date | null }> {
  const rows = await client.query<{ depth: number; oldest: number | null }>({
    name: "dispatch_queue_stats",
    text: "select count(*) as depth, min(run_at) filter (where run_at <= $1) as oldest from jobs",
    values: [now.getTime()],
  });
  const oldest = rows.rows[0]?.oldest ?? null;
  return { depth: rows.rows[0]?.depth ?? 0, oldestDueAt: oldest == null ? null : new Date(oldest) };
}
