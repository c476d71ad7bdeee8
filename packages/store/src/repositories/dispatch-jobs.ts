import {
  type AttemptError,
  type AttemptResult,
  aggregateMessageStatus,
  type ClaimedJob,
  type CompleteMessageInput,
  type EmailMessage,
  LeaseLostError,
  newId,
  type RoutePlan,
} from "@mailroute/core";
import { and, asc, eq, gte, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { SqliteDatabase } from "../open-database";
import { deliveryEvents, jobs, messages, recipients, sendAttempts } from "../schema/index";
import { dispatchEventRows } from "./event-rows";

const interruptedError: AttemptError = {
  class: "ambiguous",
  reason: "interrupted",
  code: "INTERRUPTED",
  message:
    "the worker stopped during the provider call; the provider may have accepted the message",
};

/**
 * Leases due jobs whose lease is free or expired. Attempts a dead worker left in flight are
 * marked ambiguous in the same transaction and returned, so the dispatcher can apply its policy.
 */
export function claimJobs(
  db: SqliteDatabase,
  input: { owner: string; limit: number; leaseMs: number; now: Date },
): ClaimedJob[] {
  const now = input.now.getTime();
  return db.transaction(
    (tx) => {
      const due = tx
        .select({
          id: jobs.id,
          messageId: jobs.messageId,
          rounds: jobs.rounds,
          pinnedProvider: jobs.pinnedProvider,
        })
        .from(jobs)
        .where(and(lte(jobs.runAt, now), or(isNull(jobs.leaseUntil), lt(jobs.leaseUntil, now))))
        .orderBy(asc(jobs.runAt))
        .limit(input.limit)
        .all();
      if (due.length === 0) {
        return [];
      }
      const jobIds = due.map((job) => job.id);
      tx.update(jobs)
        .set({ leaseOwner: input.owner, leaseUntil: now + input.leaseMs })
        .where(inArray(jobs.id, jobIds))
        .run();
      const messageIds = due.map((job) => job.messageId);
      const rows = tx
        .select({
          id: messages.id,
          payload: messages.payload,
          createdAt: messages.createdAt,
          possibleDuplicate: messages.possibleDuplicate,
        })
        .from(messages)
        .where(inArray(messages.id, messageIds))
        .all();
      const interrupted = tx
        .update(sendAttempts)
        .set({ outcome: "ambiguous", error: JSON.stringify(interruptedError) })
        .where(
          and(inArray(sendAttempts.messageId, messageIds), eq(sendAttempts.outcome, "in_flight")),
        )
        .returning({
          id: sendAttempts.id,
          provider: sendAttempts.provider,
          messageId: sendAttempts.messageId,
        })
        .all();
      const accepted = tx
        .select({
          messageId: sendAttempts.messageId,
          provider: sendAttempts.provider,
          providerMessageId: sendAttempts.providerMessageId,
        })
        .from(sendAttempts)
        .where(
          and(inArray(sendAttempts.messageId, messageIds), eq(sendAttempts.outcome, "accepted")),
        )
        .all();
      const acceptedByMessage = new Map(accepted.map((attempt) => [attempt.messageId, attempt]));
      const byId = new Map(rows.map((row) => [row.id, row]));
      return due.flatMap((job): ClaimedJob[] => {
        const row = byId.get(job.messageId);
        if (!row) {
          return [];
        }
        return [
          {
            jobId: job.id,
            message: JSON.parse(row.payload) as EmailMessage,
            acceptedAt: new Date(row.createdAt),
            rounds: job.rounds,
            pinnedProvider: job.pinnedProvider,
            acceptedAttempt: (() => {
              const attempt = acceptedByMessage.get(job.messageId);
              return attempt
                ? { provider: attempt.provider, providerMessageId: attempt.providerMessageId }
                : null;
            })(),
            possibleDuplicate: row.possibleDuplicate,
            interruptedAttempts: interrupted
              .filter((attempt) => attempt.messageId === job.messageId)
              .map((attempt) => ({ id: attempt.id, provider: attempt.provider })),
          },
        ];
      });
    },
    { behavior: "immediate" },
  );
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
  return db.transaction(
    (tx) => {
      const renewed = tx
        .update(jobs)
        .set({ leaseUntil: input.leaseUntil.getTime() })
        .where(and(eq(jobs.id, input.jobId), eq(jobs.leaseOwner, input.owner)))
        .run();
      if (renewed.changes === 0) {
        throw new LeaseLostError(input.jobId);
      }
      const id = newId("att", input.startedAt.getTime());
      tx.insert(sendAttempts)
        .values({
          id,
          messageId: input.messageId,
          jobId: input.jobId,
          provider: input.provider,
          outcome: "in_flight",
          startedAt: input.startedAt.getTime(),
        })
        .run();
      tx.update(messages)
        .set({ status: "sending", updatedAt: input.startedAt.getTime() })
        .where(and(eq(messages.id, input.messageId), eq(messages.status, "queued")))
        .run();
      return id;
    },
    { behavior: "immediate" },
  );
}

/** Records how an attempt ended. */
export function finishAttempt(db: SqliteDatabase, attemptId: string, result: AttemptResult): void {
  db.update(sendAttempts)
    .set({
      outcome: result.outcome,
      durationMs: result.durationMs,
      providerMessageId: result.providerMessageId ?? null,
      error: result.error ? JSON.stringify(result.error) : null,
    })
    .where(eq(sendAttempts.id, attemptId))
    .run();
}

/** Stores the routing trace of the latest round. */
export function saveRouting(db: SqliteDatabase, messageId: string, routing: RoutePlan): void {
  db.update(messages)
    .set({ routing: JSON.stringify(routing) })
    .where(eq(messages.id, messageId))
    .run();
}

type Transaction = Parameters<Parameters<SqliteDatabase["transaction"]>[0]>[0];

/**
 * Moves a message's still-`queued` recipients (all, or only `emails`) to `status` and appends one
 * dispatch event per recipient moved. False when the message does not exist.
 */
function moveQueuedRecipients(
  tx: Transaction,
  input: {
    messageId: string;
    status: "sent" | "failed" | "rejected";
    emails?: string[] | undefined;
    at: Date;
    provider?: string | undefined;
    providerType?: string | undefined;
    providerMessageId?: string | null | undefined;
    reason?: string | undefined;
  },
): boolean {
  const row = tx
    .select({ envelope: messages.envelope })
    .from(messages)
    .where(eq(messages.id, input.messageId))
    .get();
  if (!row) {
    return false;
  }
  const envelope = JSON.parse(row.envelope) as { tags: string[]; metadata: Record<string, string> };
  const which = [eq(recipients.messageId, input.messageId), eq(recipients.status, "queued")];
  if (input.emails) {
    which.push(inArray(recipients.email, input.emails));
  }
  const moved = tx
    .update(recipients)
    .set({ status: input.status, updatedAt: input.at.getTime() })
    .where(and(...which))
    .returning({ email: recipients.email })
    .all();
  if (moved.length > 0) {
    tx.insert(deliveryEvents)
      .values(
        dispatchEventRows({
          messageId: input.messageId,
          recipients: moved.map((recipient) => recipient.email),
          type: input.status,
          at: input.at,
          provider: input.provider,
          providerType: input.providerType,
          providerMessageId: input.providerMessageId,
          reason: input.reason,
          tags: envelope.tags,
          metadata: envelope.metadata,
        }),
      )
      .run();
  }
  return true;
}

/**
 * Moves a message to `sent` or `failed`: message, recipients, events and job in one transaction.
 * Only recipients still `queued` move (a suppressed one stays `rejected`, and one a fast webhook
 * already advanced keeps its status); the message then shows the aggregate.
 */
export function completeMessage(db: SqliteDatabase, input: CompleteMessageInput): void {
  const at = input.at.getTime();
  db.transaction(
    (tx) => {
      const found = moveQueuedRecipients(tx, {
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
      const statuses = tx
        .select({ status: recipients.status })
        .from(recipients)
        .where(eq(recipients.messageId, input.messageId))
        .all()
        .map((recipient) => recipient.status);
      tx.update(messages)
        .set({
          status: input.status === "failed" ? "failed" : aggregateMessageStatus(statuses),
          provider: input.provider ?? null,
          providerMessageId: input.providerMessageId ?? null,
          possibleDuplicate: input.possibleDuplicate,
          error: input.error ? JSON.stringify(input.error) : null,
          updatedAt: at,
        })
        .where(eq(messages.id, input.messageId))
        .run();
      tx.delete(jobs).where(eq(jobs.id, input.jobId)).run();
    },
    { behavior: "immediate" },
  );
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
  db.transaction(
    (tx) => {
      if (input.recipients.length === 0) {
        return;
      }
      const found = moveQueuedRecipients(tx, {
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
        tx.update(messages)
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
        tx.delete(jobs).where(eq(jobs.id, input.jobId)).run();
      }
    },
    { behavior: "immediate" },
  );
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
  db.transaction(
    (tx) => {
      tx.update(jobs)
        .set({
          runAt: input.runAt.getTime(),
          leaseOwner: null,
          leaseUntil: null,
          rounds: sql`${jobs.rounds} + 1`,
          pinnedProvider: input.pin ?? null,
        })
        .where(eq(jobs.id, input.jobId))
        .run();
      tx.update(messages)
        .set({
          status: "queued",
          possibleDuplicate: input.possibleDuplicate,
          error: input.error ? JSON.stringify(input.error) : null,
          updatedAt: Date.now(),
        })
        .where(eq(messages.id, input.messageId))
        .run();
    },
    { behavior: "immediate" },
  );
}

/** Stops a message (`held`, flagged) and removes its job, until it is released or cancelled. */
export function holdMessage(
  db: SqliteDatabase,
  input: { jobId: string; messageId: string; error: AttemptError; at: Date },
): void {
  db.transaction(
    (tx) => {
      tx.update(messages)
        .set({
          status: "held",
          possibleDuplicate: true,
          error: JSON.stringify(input.error),
          updatedAt: input.at.getTime(),
        })
        .where(eq(messages.id, input.messageId))
        .run();
      tx.delete(jobs).where(eq(jobs.id, input.jobId)).run();
    },
    { behavior: "immediate" },
  );
}

/** Queues a held message again with a fresh job; false when it is not held. */
export function releaseMessage(db: SqliteDatabase, messageId: string, at: Date): boolean {
  return db.transaction(
    (tx) => {
      const changed = tx
        .update(messages)
        .set({ status: "queued", updatedAt: at.getTime() })
        .where(and(eq(messages.id, messageId), eq(messages.status, "held")))
        .run();
      if (changed.changes === 0) {
        return false;
      }
      tx.insert(jobs)
        .values({
          id: `job_${messageId.slice(4)}`,
          messageId,
          runAt: at.getTime(),
          createdAt: at.getTime(),
        })
        .onConflictDoNothing()
        .run();
      return true;
    },
    { behavior: "immediate" },
  );
}

/** Fails a held or queued message for good: no further attempt will be made. */
export function cancelMessage(db: SqliteDatabase, messageId: string, at: Date): boolean {
  return db.transaction(
    (tx) => {
      const job = tx
        .select({ leaseUntil: jobs.leaseUntil })
        .from(jobs)
        .where(eq(jobs.messageId, messageId))
        .get();
      // A message a worker is sending right now cannot be cancelled halfway.
      if (job?.leaseUntil && job.leaseUntil > at.getTime()) {
        return false;
      }
      const changed = tx
        .update(messages)
        .set({
          status: "failed",
          error: JSON.stringify({
            class: "permanent",
            reason: "unknown",
            code: "CANCELLED",
            message: "cancelled through the API",
          }),
          updatedAt: at.getTime(),
        })
        .where(and(eq(messages.id, messageId), inArray(messages.status, ["held", "queued"])))
        .run();
      if (changed.changes === 0) {
        return false;
      }
      tx.update(recipients)
        .set({ status: "failed", updatedAt: at.getTime() })
        .where(and(eq(recipients.messageId, messageId), eq(recipients.status, "queued")))
        .run();
      tx.delete(jobs).where(eq(jobs.messageId, messageId)).run();
      return true;
    },
    { behavior: "immediate" },
  );
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
