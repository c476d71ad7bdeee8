import { LeaseLostError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import type { ContractStore, FreshStore } from "./contract-store";
import { accept, attemptLeftInFlight, message } from "./messages";

/**
 * Every write a dispatch worker makes after a provider call, as worker `owner` would make it
 * for the job at `at`: each must be refused once another worker holds the job.
 */
function lateWrites(store: ContractStore, job: { jobId: string; messageId: string }, at: Date) {
  const base = { jobId: job.jobId, owner: "w1", messageId: job.messageId };
  const error = { class: "ambiguous" as const, reason: "timeout", message: "no answer" };
  return {
    retryLater: () =>
      store.retryLater({ ...base, runAt: at, possibleDuplicate: true, error, pin: "capture" }),
    completeMessage: () =>
      store.completeMessage({
        ...base,
        status: "failed",
        provider: "capture",
        possibleDuplicate: true,
        error,
        at,
      }),
    holdMessage: () => store.holdMessage({ ...base, error, at }),
    rejectRecipients: () =>
      store.rejectRecipients({
        ...base,
        recipients: ["user@example.com", "cc@example.com"],
        reason: "suppressed",
        final: true,
        at,
      }),
    rejectSomeRecipients: () =>
      store.rejectRecipients({
        ...base,
        recipients: ["cc@example.com"],
        reason: "suppressed",
        final: false,
        at,
      }),
  };
}

const lateWriteNames = [
  "retryLater",
  "completeMessage",
  "holdMessage",
  "rejectRecipients",
  "rejectSomeRecipients",
] as const;

/** Claims, leases, attempts, completion and retries. */
export function dispatchContract(fresh: FreshStore): void {
  describe("dispatch", () => {
    it("leases a job to one worker until the lease expires", async () => {
      const store = await fresh();
      await accept(store, message());
      const now = new Date();
      expect(await store.claimJobs({ owner: "w1", limit: 10, leaseMs: 1000, now })).toHaveLength(1);
      expect(await store.claimJobs({ owner: "w2", limit: 10, leaseMs: 1000, now })).toHaveLength(0);
      const later = new Date(now.getTime() + 1001);
      expect(
        await store.claimJobs({ owner: "w2", limit: 10, leaseMs: 1000, now: later }),
      ).toHaveLength(1);
    });

    it("does not claim a job before its run time", async () => {
      const store = await fresh();
      const value = message();
      const at = new Date();
      await store.acceptMessage({
        message: value,
        acceptedAt: at,
        runAt: new Date(at.getTime() + 60_000),
        response: { status: 202, body: {} },
      });
      expect(await store.claimJobs({ owner: "w", limit: 10, leaseMs: 1000, now: at })).toHaveLength(
        0,
      );
    });

    it("still reports an interrupted attempt when the worker that found it dies too", async () => {
      const store = await fresh();
      const { now, attemptId } = await attemptLeftInFlight(store);
      const later = (ms: number) => new Date(now.getTime() + ms);
      // w2 finds the attempt interrupted, then dies before writing anything else.
      const [second] = await store.claimJobs({
        owner: "w2",
        limit: 1,
        leaseMs: 1000,
        now: later(2000),
      });
      expect(second?.interruptedAttempts).toEqual([{ id: attemptId, provider: "capture" }]);
      const [third] = await store.claimJobs({
        owner: "w3",
        limit: 1,
        leaseMs: 1000,
        now: later(4000),
      });
      expect(third?.interruptedAttempts).toEqual([{ id: attemptId, provider: "capture" }]);
    });

    it("marks attempts a dead worker left in flight as interrupted when the job is claimed again", async () => {
      const store = await fresh();
      const { value, now, attemptId, job } = await attemptLeftInFlight(store);
      expect((await store.getMessage(value.id))?.status).toBe("sending");
      const [again] = await store.claimJobs({
        owner: "w2",
        limit: 1,
        leaseMs: 1000,
        now: new Date(now.getTime() + 2000),
      });
      expect(again?.interruptedAttempts).toEqual([{ id: attemptId, provider: "capture" }]);
      const attempt = (await store.getMessage(value.id))?.attempts[0];
      expect(attempt).toMatchObject({
        outcome: "ambiguous",
        error: { reason: "interrupted", code: "INTERRUPTED" },
      });
      // The first worker lost its lease: it may not start another attempt.
      await expect(
        store.startAttempt({
          messageId: value.id,
          jobId: job.jobId,
          owner: "w1",
          provider: "capture",
          startedAt: now,
          leaseUntil: now,
        }),
      ).rejects.toThrow(/lease/);
    });

    it("names the provider of an ambiguous answer to the next claim when the worker died before retrying", async () => {
      const store = await fresh();
      const { now, attemptId } = await attemptLeftInFlight(store);
      await store.finishAttempt(attemptId, {
        outcome: "ambiguous",
        durationMs: 3,
        error: {
          class: "ambiguous",
          reason: "network",
          code: "ECONNRESET",
          message: "the connection was reset after the request was sent",
        },
      });
      const [again] = await store.claimJobs({
        owner: "w2",
        limit: 1,
        leaseMs: 1000,
        now: new Date(now.getTime() + 2000),
      });
      expect(again?.ambiguousProviders).toEqual(["capture"]);
      expect(again?.interruptedAttempts).toEqual([]);
    });

    it("carries an attempt a provider accepted to the next claim when the worker died before completing", async () => {
      const store = await fresh();
      const { value, now, attemptId } = await attemptLeftInFlight(store);
      await store.finishAttempt(attemptId, {
        outcome: "accepted",
        durationMs: 3,
        providerMessageId: "cap-1",
      });
      const [again] = await store.claimJobs({
        owner: "w2",
        limit: 1,
        leaseMs: 1000,
        now: new Date(now.getTime() + 2000),
      });
      expect(again).toMatchObject({
        jobId: expect.any(String),
        acceptedAttempt: { provider: "capture", providerMessageId: "cap-1" },
        interruptedAttempts: [],
        ambiguousProviders: [],
        possibleDuplicate: false,
      });
      expect(again?.message.id).toBe(value.id);
      expect((await store.getMessage(value.id))?.attempts[0]?.outcome).toBe("accepted");
    });

    it("lists attempts started in the same millisecond in the order they started", async () => {
      const store = await fresh();
      const value = message();
      await accept(store, value);
      const now = new Date();
      const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now });
      const providers = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"];
      for (const provider of providers) {
        // Every attempt starts in the same millisecond: the order comes from the tie-break.
        await store.startAttempt({
          messageId: value.id,
          jobId: job!.jobId,
          owner: "w",
          provider,
          startedAt: now,
          leaseUntil: new Date(now.getTime() + 1000),
        });
      }
      const detail = await store.getMessage(value.id);
      expect(detail?.attempts.map((attempt) => attempt.provider)).toEqual(providers);
    });

    it("completes a message: status, recipients, sent events, job removed", async () => {
      const store = await fresh();
      const value = message();
      await accept(store, value);
      const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now: new Date() });
      await store.completeMessage({
        jobId: job!.jobId,
        owner: "w",
        messageId: value.id,
        status: "sent",
        provider: "primary",
        providerType: "sendgrid",
        providerMessageId: "sg-1",
        possibleDuplicate: false,
        at: new Date(),
      });
      const detail = await store.getMessage(value.id);
      expect(detail).toMatchObject({
        status: "sent",
        provider: "primary",
        providerMessageId: "sg-1",
      });
      expect(detail?.recipients.every((recipient) => recipient.status === "sent")).toBe(true);
      expect(
        detail?.events.filter((event) => event.type === "sent").map((event) => event.providerType),
      ).toEqual(["sendgrid", "sendgrid"]);
      expect(await store.countPendingJobs()).toBe(0);
    });

    it("puts a message back in the queue with its error and duplicate flag", async () => {
      const store = await fresh();
      const value = message();
      await accept(store, value);
      const now = new Date();
      const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now });
      const error = { class: "retryable" as const, reason: "network", message: "refused" };
      await store.retryLater({
        jobId: job!.jobId,
        owner: "w",
        messageId: value.id,
        runAt: new Date(now.getTime() + 5000),
        possibleDuplicate: true,
        error,
      });
      expect(await store.getMessage(value.id)).toMatchObject({
        status: "queued",
        possibleDuplicate: true,
        error,
      });
      expect(await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now })).toHaveLength(0);
      const [again] = await store.claimJobs({
        owner: "w",
        limit: 1,
        leaseMs: 1000,
        now: new Date(now.getTime() + 5001),
      });
      expect(again).toMatchObject({ rounds: 1, possibleDuplicate: true });
    });

    describe("a worker whose lease ran out and whose job another worker claimed", () => {
      /** w1 started an attempt and stalled; w2 claimed the job after w1's lease ran out. */
      async function takenOver(store: ContractStore) {
        const { value, now, job } = await attemptLeftInFlight(store);
        const at = (ms: number) => new Date(now.getTime() + ms);
        const [taken] = await store.claimJobs({
          owner: "w2",
          limit: 1,
          leaseMs: 10_000,
          now: at(2000),
        });
        expect(taken?.jobId).toBe(job.jobId);
        return { value, job, at };
      }

      it.each(lateWriteNames)(
        "gets LeaseLostError from %s, and the message stays as the new owner sent it",
        async (name) => {
          const store = await fresh();
          const { value, job, at } = await takenOver(store);
          await store.completeMessage({
            jobId: job.jobId,
            owner: "w2",
            messageId: value.id,
            status: "sent",
            provider: "capture",
            providerType: "capture",
            providerMessageId: "cap-2",
            possibleDuplicate: true,
            at: at(2100),
          });
          const sent = await store.getMessage(value.id);
          const feed = await store.listEvents({ limit: 100 });
          const write = lateWrites(store, { jobId: job.jobId, messageId: value.id }, at(2200))[
            name
          ];
          await expect(write()).rejects.toBeInstanceOf(LeaseLostError);
          // Nothing changed: not put back in the queue, no job recreated, no event appended.
          expect(await store.getMessage(value.id)).toEqual(sent);
          expect(sent).toMatchObject({ status: "sent", providerMessageId: "cap-2" });
          expect(sent?.recipients.every((recipient) => recipient.status === "sent")).toBe(true);
          expect(await store.listEvents({ limit: 100 })).toEqual(feed);
          expect(await store.countPendingJobs()).toBe(0);
          expect(
            await store.claimJobs({ owner: "w3", limit: 1, leaseMs: 1000, now: at(60_000) }),
          ).toEqual([]);
        },
      );

      it.each(lateWriteNames)(
        "gets LeaseLostError from %s while the new owner still holds the job, which it then finishes",
        async (name) => {
          const store = await fresh();
          const { value, job, at } = await takenOver(store);
          const before = await store.getMessage(value.id);
          const feed = await store.listEvents({ limit: 100 });
          const write = lateWrites(store, { jobId: job.jobId, messageId: value.id }, at(2200))[
            name
          ];
          await expect(write()).rejects.toBeInstanceOf(LeaseLostError);
          expect(await store.getMessage(value.id)).toEqual(before);
          expect(await store.listEvents({ limit: 100 })).toEqual(feed);
          // The job is still w2's: leased (nobody else claims it), and w2's writes go through.
          expect(await store.countPendingJobs()).toBe(1);
          expect(
            await store.claimJobs({ owner: "w3", limit: 1, leaseMs: 1000, now: at(3000) }),
          ).toEqual([]);
          await store.startAttempt({
            messageId: value.id,
            jobId: job.jobId,
            owner: "w2",
            provider: "capture",
            startedAt: at(2300),
            leaseUntil: at(12_000),
          });
          await store.retryLater({
            jobId: job.jobId,
            owner: "w2",
            messageId: value.id,
            runAt: at(20_000),
            possibleDuplicate: true,
          });
          // One round was counted (w2's), and the job carries no pin from w1's refused retry.
          const [again] = await store.claimJobs({
            owner: "w3",
            limit: 1,
            leaseMs: 1000,
            now: at(20_000),
          });
          expect(again).toMatchObject({ jobId: job.jobId, rounds: 1, pinnedProvider: null });
        },
      );

      it("is refused once the job is gone, and the owner itself still succeeds", async () => {
        const store = await fresh();
        const value = message();
        await accept(store, value);
        const now = new Date();
        const [job] = await store.claimJobs({ owner: "w1", limit: 1, leaseMs: 1000, now });
        const writes = lateWrites(store, { jobId: job!.jobId, messageId: value.id }, now);
        await writes.rejectSomeRecipients();
        await writes.holdMessage();
        expect((await store.getMessage(value.id))?.status).toBe("held");
        // The hold removed the job: no later write of w1 finds its lease.
        for (const name of lateWriteNames) {
          await expect(writes[name]()).rejects.toBeInstanceOf(LeaseLostError);
        }
        expect((await store.getMessage(value.id))?.status).toBe("held");
      });
    });
  });
}
