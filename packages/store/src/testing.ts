import type { EmailMessage } from "@mailroute/core";
import { createSqliteStore, type SqliteStore } from "./sqlite-store";

/** A store on a fresh in-memory database with the real migrations applied. */
export function createTestStore(): SqliteStore {
  return createSqliteStore({ path: ":memory:" });
}

/** Accepts a message now, due at once, as `POST /v1/messages` would; returns the time used. */
export async function acceptNow(store: SqliteStore, message: EmailMessage): Promise<Date> {
  const now = new Date();
  await store.acceptMessage({
    message,
    acceptedAt: now,
    runAt: now,
    response: { status: 202, body: {} },
  });
  return now;
}

/**
 * Claims the one due job as `owner` and starts an attempt at `provider`, as a dispatch worker
 * would at `now`; returns the claimed job and the attempt's id.
 */
export async function claimAndStartAttempt(
  store: SqliteStore,
  input: { owner: string; provider: string; now: Date },
) {
  const [job] = await store.claimJobs({
    owner: input.owner,
    limit: 1,
    leaseMs: 1000,
    now: input.now,
  });
  if (!job) {
    throw new Error("no job was due");
  }
  const attemptId = await store.startAttempt({
    messageId: job.message.id,
    jobId: job.jobId,
    owner: input.owner,
    provider: input.provider,
    startedAt: input.now,
    leaseUntil: new Date(input.now.getTime() + 1000),
  });
  return { job, attemptId };
}
