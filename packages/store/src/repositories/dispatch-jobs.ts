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
import { and, eq, gte, lte, sql } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { jobs, messages, sendAttempts } from "../schema/index";
import { insertEventRows } from "./event-rows";
import { prepared } from "./prepared";

const interruptedJson = JSON.stringify(interruptedAttemptError);

/**
 * Leases due jobs whose lease is free or expired. Attempts a dead worker left in flight are
 * marked ambiguous in the same transaction and returned, so the dispatcher can apply its policy.
 */
export function claimJobs(
  db: SqliteDatabase,
  input: { owner: string; limit: number; leaseMs: number; now: Date },
): ClaimedJob[] {
  const now = input.now.getTime();
  const due = prepared(
    db,
    "select id, message_id as messageId, rounds, pinned_provider as pinnedProvider from jobs where run_at <= ? and (lease_until is null or lease_until < ?) order by run_at limit ?",
  ).all(now, now, input.limit) as {
    id: string;
    messageId: string;
    rounds: number;
    pinnedProvider: string | null;
  }[];
  const lease = prepared(db, "update jobs set lease_owner = ?, lease_until = ? where id = ?");
  const readMessage = prepared(
    db,
    "select payload, created_at as createdAt, possible_duplicate as possibleDuplicate from messages where id = ?",
  );
  const readAttempts = prepared(
    db,
    "select id, provider, outcome, json_extract(error, '$.code') as errorCode, provider_message_id as providerMessageId from send_attempts where message_id = ? order by started_at, rowid",
  );
  const markInterrupted = prepared(
    db,
    "update send_attempts set outcome = 'ambiguous', error = ? where id = ?",
  );
  return due.flatMap((job): ClaimedJob[] => {
    lease.run(input.owner, now + input.leaseMs, job.id);
    const row = readMessage.get(job.messageId) as
      | { payload: string; createdAt: number; possibleDuplicate: number }
      | undefined;
    if (!row) {
      return [];
    }
    const attempts = readAttempts.all(job.messageId) as AttemptOnClaim[];
    for (const attemptId of attemptsToInterrupt(attempts)) {
      markInterrupted.run(interruptedJson, attemptId);
    }
    return [
      claimedJobOf({
        jobId: job.id,
        rounds: job.rounds,
        pinnedProvider: job.pinnedProvider,
        message: JSON.parse(row.payload) as EmailMessage,
        acceptedAt: new Date(row.createdAt),
        possibleDuplicate: row.possibleDuplicate === 1,
        attempts,
      }),
    ];
  });
}

// Built from core's list, so the statement follows it.
const markSending = `update messages set status = 'sending', updated_at = ? where id = ? and status in (${attemptStartStatuses.map(() => "?").join(", ")})`;

/** Extends the lease (failing if it was lost), writes the in-flight attempt, marks the message sending. */
export function startAttempt(
  db: SqliteDatabase,
  input: {
    messageId: string;
    jobId: string;
    owner: string;
    provider: string;
    startedAt: Date;
    leaseUntil: Date;
  },
): string {
  const startedAt = input.startedAt.getTime();
  const renewed = prepared(
    db,
    "update jobs set lease_until = ? where id = ? and lease_owner = ?",
  ).run(input.leaseUntil.getTime(), input.jobId, input.owner);
  if (renewed.changes === 0) {
    throw new LeaseLostError(input.jobId);
  }
  const id = newId("att", startedAt);
  prepared(
    db,
    "insert into send_attempts (id, message_id, job_id, provider, outcome, started_at) values (?, ?, ?, ?, 'in_flight', ?)",
  ).run(id, input.messageId, input.jobId, input.provider, startedAt);
  prepared(db, markSending).run(startedAt, input.messageId, ...attemptStartStatuses);
  return id;
}

/** Records how an attempt ended. */
export function finishAttempt(db: SqliteDatabase, attemptId: string, result: AttemptResult): void {
  prepared(
    db,
    "update send_attempts set outcome = ?, duration_ms = ?, provider_message_id = ?, error = ? where id = ?",
  ).run(
    result.outcome,
    result.durationMs,
    result.providerMessageId ?? null,
    result.error ? JSON.stringify(result.error) : null,
    attemptId,
  );
}

/** Stores the routing trace of the latest round. */
export function saveRouting(db: SqliteDatabase, messageId: string, routing: RoutePlan): void {
  prepared(db, "update messages set routing = ? where id = ?").run(
    JSON.stringify(routing),
    messageId,
  );
}

/**
 * Moves the recipients core's `recipientsToMove` picks (all, or only `emails`) to `status` and
 * appends one dispatch event per recipient moved. Returns every recipient's status after the
 * move, or null when the message does not exist.
 */
function moveQueuedRecipients(
  db: SqliteDatabase,
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
): RecipientStatus[] | null {
  const row = prepared(db, "select envelope from messages where id = ?").get(input.messageId) as
    | { envelope: string }
    | undefined;
  if (!row) {
    return null;
  }
  const recipients = prepared(
    db,
    "select email, status from recipients where message_id = ? order by rowid",
  ).all(input.messageId) as { email: string; status: RecipientStatus }[];
  const moved = recipientsToMove(recipients, input.emails);
  if (moved.length > 0) {
    prepared(
      db,
      "update recipients set status = ?, updated_at = ? where message_id = ? and email in (select value from json_each(?))",
    ).run(input.status, input.at.getTime(), input.messageId, JSON.stringify(moved));
  }
  const envelope = JSON.parse(row.envelope) as { tags: string[]; metadata: Record<string, string> };
  insertEventRows(
    db,
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
 * the write it starts changes nothing.
 */
function removeLeasedJob(db: SqliteDatabase, jobId: string, owner: string): void {
  const removed = prepared(db, "delete from jobs where id = ? and lease_owner = ?").run(
    jobId,
    owner,
  );
  if (removed.changes === 0) {
    throw new LeaseLostError(jobId);
  }
}

/**
 * Moves a message to `sent` or `failed`: message, recipients, events and job in one transaction.
 * Only recipients still `queued` move (a suppressed one stays `rejected`, and one a fast webhook
 * already advanced keeps its status); the message then shows the aggregate. Refused with
 * {@link LeaseLostError} unless `owner` still holds the job's lease.
 */
export function completeMessage(db: SqliteDatabase, input: CompleteMessageInput): void {
  removeLeasedJob(db, input.jobId, input.owner);
  const statuses = moveQueuedRecipients(db, {
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
  prepared(
    db,
    "update messages set status = ?, provider = ?, provider_message_id = ?, possible_duplicate = ?, error = ?, updated_at = ? where id = ?",
  ).run(
    completedMessageStatus(input.status, statuses),
    input.provider ?? null,
    input.providerMessageId ?? null,
    input.possibleDuplicate ? 1 : 0,
    input.error ? JSON.stringify(input.error) : null,
    input.at.getTime(),
    input.messageId,
  );
}

/**
 * Rejects recipients before any provider call (suppressed addresses), or the whole message.
 * Refused with {@link LeaseLostError} unless `owner` still holds the job's lease.
 */
export function rejectRecipients(
  db: SqliteDatabase,
  input: {
    messageId: string;
    jobId: string;
    owner: string;
    recipients: string[];
    reason: string;
    final: boolean;
    at: Date;
  },
): void {
  if (input.recipients.length === 0) {
    return;
  }
  if (input.final) {
    removeLeasedJob(db, input.jobId, input.owner);
  } else if (
    !prepared(db, "select 1 from jobs where id = ? and lease_owner = ?").get(
      input.jobId,
      input.owner,
    )
  ) {
    throw new LeaseLostError(input.jobId);
  }
  const found = moveQueuedRecipients(db, {
    messageId: input.messageId,
    status: "rejected",
    emails: input.recipients,
    at: input.at,
    reason: input.reason,
  });
  if (found && input.final) {
    db.update(messages)
      .set({
        status: "rejected",
        error: JSON.stringify(suppressedMessageError(input.reason)),
        updatedAt: input.at.getTime(),
      })
      .where(eq(messages.id, input.messageId))
      .run();
  }
}

/**
 * Puts a message back in the queue for another round. Refused with {@link LeaseLostError}
 * unless `owner` still holds the job's lease.
 */
export function retryLater(
  db: SqliteDatabase,
  input: {
    jobId: string;
    owner: string;
    messageId: string;
    runAt: Date;
    possibleDuplicate: boolean;
    error?: AttemptError | undefined;
    pin?: string | undefined;
  },
): void {
  const requeued = db
    .update(jobs)
    .set({
      runAt: input.runAt.getTime(),
      leaseOwner: null,
      leaseUntil: null,
      rounds: sql`${jobs.rounds} + 1`,
      pinnedProvider: input.pin ?? null,
    })
    .where(and(eq(jobs.id, input.jobId), eq(jobs.leaseOwner, input.owner)))
    .run();
  if (requeued.changes === 0) {
    throw new LeaseLostError(input.jobId);
  }
  db.update(messages)
    .set({
      status: "queued",
      possibleDuplicate: input.possibleDuplicate,
      error: input.error ? JSON.stringify(input.error) : null,
      updatedAt: Date.now(),
    })
    .where(eq(messages.id, input.messageId))
    .run();
}

/**
 * Stops a message (`held`, flagged) and removes its job, until it is released or cancelled.
 * Refused with {@link LeaseLostError} unless `owner` still holds the job's lease.
 */
export function holdMessage(
  db: SqliteDatabase,
  input: { jobId: string; owner: string; messageId: string; error: AttemptError; at: Date },
): void {
  removeLeasedJob(db, input.jobId, input.owner);
  db.update(messages)
    .set({
      status: "held",
      possibleDuplicate: true,
      error: JSON.stringify(input.error),
      updatedAt: input.at.getTime(),
    })
    .where(eq(messages.id, input.messageId))
    .run();
}

function statusOf(db: SqliteDatabase, messageId: string): MessageStatus | null {
  return (
    db.select({ status: messages.status }).from(messages).where(eq(messages.id, messageId)).get()
      ?.status ?? null
  );
}

/** Queues a held message again with a fresh job; false when core's `canRelease` says no. */
export function releaseMessage(db: SqliteDatabase, messageId: string, at: Date): boolean {
  if (!canRelease(statusOf(db, messageId))) {
    return false;
  }
  db.update(messages)
    .set({ status: "queued", updatedAt: at.getTime() })
    .where(eq(messages.id, messageId))
    .run();
  db.insert(jobs)
    .values({
      id: jobIdOf(messageId),
      messageId,
      runAt: at.getTime(),
      createdAt: at.getTime(),
    })
    .onConflictDoNothing()
    .run();
  return true;
}

/**
 * Cancels a message for good when core's `canCancel` allows it: no further attempt will be made,
 * and each recipient still queued gets a `cancelled` event.
 */
export function cancelMessage(db: SqliteDatabase, messageId: string, at: Date): boolean {
  const job = db
    .select({ leaseUntil: jobs.leaseUntil })
    .from(jobs)
    .where(eq(jobs.messageId, messageId))
    .get();
  if (!canCancel(statusOf(db, messageId), job?.leaseUntil ?? null, at)) {
    return false;
  }
  db.update(messages)
    .set({ status: "cancelled", updatedAt: at.getTime() })
    .where(eq(messages.id, messageId))
    .run();
  moveQueuedRecipients(db, {
    messageId,
    status: "cancelled",
    at,
    reason: cancelledThroughApi,
  });
  db.delete(jobs).where(eq(jobs.messageId, messageId)).run();
  return true;
}

/** Accepted attempts per provider since a time. */
export function countAcceptedSince(db: SqliteDatabase, since: Date): Record<string, number> {
  const rows = db
    .select({ provider: sendAttempts.provider, count: sql<number>`count(*)` })
    .from(sendAttempts)
    .where(and(eq(sendAttempts.outcome, "accepted"), gte(sendAttempts.startedAt, since.getTime())))
    .groupBy(sendAttempts.provider)
    .all();
  return Object.fromEntries(rows.map((row) => [row.provider, row.count]));
}

/** Jobs not finished yet. */
export function countPendingJobs(db: SqliteDatabase): number {
  return db.select({ count: sql<number>`count(*)` }).from(jobs).get()?.count ?? 0;
}

/**
 * The dispatch queue at a glance: its depth, and when the job that has waited longest since it
 * fell due was due (null when none is due). Both read `jobs_due_idx` only: a count over the
 * index, and its first entry for the minimum.
 */
export function dispatchQueueStats(
  db: SqliteDatabase,
  now: Date,
): { depth: number; oldestDueAt: Date | null } {
  const depth = countPendingJobs(db);
  const oldest = db
    .select({ runAt: sql<number | null>`min(${jobs.runAt})` })
    .from(jobs)
    .where(lte(jobs.runAt, now.getTime()))
    .get()?.runAt;
  return { depth, oldestDueAt: oldest == null ? null : new Date(oldest) };
}
