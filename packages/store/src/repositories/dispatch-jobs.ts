import {
  type AttemptError,
  type AttemptResult,
  aggregateMessageStatus,
  type ClaimedJob,
  type CompleteMessageInput,
  type EmailMessage,
  LeaseLostError,
  newId,
  type RecipientStatus,
  type RoutePlan,
} from "@mailroute/core";
import { and, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { jobs, messages, sendAttempts } from "../schema/index";
import { dispatchEventRows, insertEventRows } from "./event-rows";
import { prepared } from "./prepared";

const interruptedError: AttemptError = {
  class: "ambiguous",
  reason: "interrupted",
  code: "INTERRUPTED",
  message:
    "the worker stopped during the provider call; the provider may have accepted the message",
};

/** A message's dispatch job id: one job per message, named after it (`msg_x` → `job_x`). */
export function jobIdOf(messageId: string): string {
  return `job_${messageId.slice("msg_".length)}`;
}

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
  const markInterrupted = prepared(
    db,
    "update send_attempts set outcome = 'ambiguous', error = ? where message_id = ? and outcome = 'in_flight'",
  );
  const readInterrupted = prepared(
    db,
    "select id, provider from send_attempts where message_id = ? and outcome = 'ambiguous' and json_extract(error, '$.code') = 'INTERRUPTED' order by started_at, rowid",
  );
  const readAccepted = prepared(
    db,
    "select provider, provider_message_id as providerMessageId from send_attempts where message_id = ? and outcome = 'accepted' limit 1",
  );
  const interruptedJson = JSON.stringify(interruptedError);
  return due.flatMap((job): ClaimedJob[] => {
    lease.run(input.owner, now + input.leaseMs, job.id);
    const row = readMessage.get(job.messageId) as
      | { payload: string; createdAt: number; possibleDuplicate: number }
      | undefined;
    if (!row) {
      return [];
    }
    const accepted = readAccepted.get(job.messageId) as
      | { provider: string; providerMessageId: string | null }
      | undefined;
    markInterrupted.run(interruptedJson, job.messageId);
    return [
      {
        jobId: job.id,
        message: JSON.parse(row.payload) as EmailMessage,
        acceptedAt: new Date(row.createdAt),
        rounds: job.rounds,
        pinnedProvider: job.pinnedProvider,
        acceptedAttempt: accepted ?? null,
        possibleDuplicate: row.possibleDuplicate === 1,
        // Every interrupted attempt, not only those marked now: should this round die too
        // before its next write, the next claim still knows the provider may have the message.
        interruptedAttempts: readInterrupted.all(job.messageId) as {
          id: string;
          provider: string;
        }[],
      },
    ];
  });
}

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
  prepared(
    db,
    "update messages set status = 'sending', updated_at = ? where id = ? and status in ('queued', 'scheduled')",
  ).run(startedAt, input.messageId);
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
 * Moves a message's still-`queued` recipients (all, or only `emails`) to `status` and appends one
 * dispatch event per recipient moved. False when the message does not exist.
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
): boolean {
  const row = prepared(db, "select envelope from messages where id = ?").get(input.messageId) as
    | { envelope: string }
    | undefined;
  if (!row) {
    return false;
  }
  const envelope = JSON.parse(row.envelope) as { tags: string[]; metadata: Record<string, string> };
  const at = input.at.getTime();
  const moved: string[] = [];
  if (input.emails) {
    const moveOne = prepared(
      db,
      "update recipients set status = ?, updated_at = ? where message_id = ? and email = ? and status = 'queued'",
    );
    for (const email of new Set(input.emails)) {
      if (moveOne.run(input.status, at, input.messageId, email).changes > 0) {
        moved.push(email);
      }
    }
  } else {
    const rows = prepared(
      db,
      "update recipients set status = ?, updated_at = ? where message_id = ? and status = 'queued' returning email",
    ).all(input.status, at, input.messageId) as { email: string }[];
    for (const recipient of rows) {
      moved.push(recipient.email);
    }
  }
  insertEventRows(
    db,
    dispatchEventRows({
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
  return true;
}

/**
 * Moves a message to `sent` or `failed`: message, recipients, events and job in one transaction.
 * Only recipients still `queued` move (a suppressed one stays `rejected`, and one a fast webhook
 * already advanced keeps its status); the message then shows the aggregate.
 */
export function completeMessage(db: SqliteDatabase, input: CompleteMessageInput): void {
  const found = moveQueuedRecipients(db, {
    messageId: input.messageId,
    status: input.status,
    at: input.at,
    provider: input.provider,
    providerType: input.providerType,
    providerMessageId: input.providerMessageId,
    reason: input.error?.message,
  });
  if (!found) {
    return;
  }
  const statuses = (
    prepared(db, "select status from recipients where message_id = ?").all(input.messageId) as {
      status: RecipientStatus;
    }[]
  ).map((recipient) => recipient.status);
  prepared(
    db,
    "update messages set status = ?, provider = ?, provider_message_id = ?, possible_duplicate = ?, error = ?, updated_at = ? where id = ?",
  ).run(
    input.status === "failed" ? "failed" : aggregateMessageStatus(statuses),
    input.provider ?? null,
    input.providerMessageId ?? null,
    input.possibleDuplicate ? 1 : 0,
    input.error ? JSON.stringify(input.error) : null,
    input.at.getTime(),
    input.messageId,
  );
  prepared(db, "delete from jobs where id = ?").run(input.jobId);
}

/** Rejects recipients before any provider call (suppressed addresses), or the whole message. */
export function rejectRecipients(
  db: SqliteDatabase,
  input: {
    messageId: string;
    jobId: string;
    recipients: string[];
    reason: string;
    final: boolean;
    at: Date;
  },
): void {
  const at = input.at.getTime();
  if (input.recipients.length === 0) {
    return;
  }
  const found = moveQueuedRecipients(db, {
    messageId: input.messageId,
    status: "rejected",
    emails: input.recipients,
    at: input.at,
    reason: input.reason,
  });
  if (!found) {
    return;
  }
  if (input.final) {
    db.update(messages)
      .set({
        status: "rejected",
        error: JSON.stringify({
          class: "permanent",
          reason: "recipient_suppressed",
          code: "SUPPRESSED",
          message: input.reason,
        }),
        updatedAt: at,
      })
      .where(eq(messages.id, input.messageId))
      .run();
    db.delete(jobs).where(eq(jobs.id, input.jobId)).run();
  }
}

/** Puts a message back in the queue for another round. */
export function retryLater(
  db: SqliteDatabase,
  input: {
    jobId: string;
    messageId: string;
    runAt: Date;
    possibleDuplicate: boolean;
    error?: AttemptError | undefined;
    pin?: string | undefined;
  },
): void {
  db.update(jobs)
    .set({
      runAt: input.runAt.getTime(),
      leaseOwner: null,
      leaseUntil: null,
      rounds: sql`${jobs.rounds} + 1`,
      pinnedProvider: input.pin ?? null,
    })
    .where(eq(jobs.id, input.jobId))
    .run();
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

/** Stops a message (`held`, flagged) and removes its job, until it is released or cancelled. */
export function holdMessage(
  db: SqliteDatabase,
  input: { jobId: string; messageId: string; error: AttemptError; at: Date },
): void {
  db.update(messages)
    .set({
      status: "held",
      possibleDuplicate: true,
      error: JSON.stringify(input.error),
      updatedAt: input.at.getTime(),
    })
    .where(eq(messages.id, input.messageId))
    .run();
  db.delete(jobs).where(eq(jobs.id, input.jobId)).run();
}

/** Queues a held message again with a fresh job; false when it is not held. */
export function releaseMessage(db: SqliteDatabase, messageId: string, at: Date): boolean {
  const changed = db
    .update(messages)
    .set({ status: "queued", updatedAt: at.getTime() })
    .where(and(eq(messages.id, messageId), eq(messages.status, "held")))
    .run();
  if (changed.changes === 0) {
    return false;
  }
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
 * Cancels a held, queued or scheduled message for good: no further attempt will be made, and each
 * recipient still queued gets a `cancelled` event.
 */
export function cancelMessage(db: SqliteDatabase, messageId: string, at: Date): boolean {
  const job = db
    .select({ leaseUntil: jobs.leaseUntil })
    .from(jobs)
    .where(eq(jobs.messageId, messageId))
    .get();
  // A message a worker is sending right now cannot be cancelled halfway.
  if (job?.leaseUntil && job.leaseUntil > at.getTime()) {
    return false;
  }
  const changed = db
    .update(messages)
    .set({ status: "cancelled", updatedAt: at.getTime() })
    .where(
      and(eq(messages.id, messageId), inArray(messages.status, ["held", "queued", "scheduled"])),
    )
    .run();
  if (changed.changes === 0) {
    return false;
  }
  moveQueuedRecipients(db, {
    messageId,
    status: "cancelled",
    at,
    reason: "cancelled through the API",
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
