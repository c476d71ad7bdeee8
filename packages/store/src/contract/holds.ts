import { plainMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { acceptNow, claimAndStartAttempt } from "../testing";
import type { FreshStore } from "./contract-store";

/** Pinned rounds, holds, release and cancel, routes saved through the API, tracking. */
export function holdsContract(fresh: FreshStore): void {
  async function accepted() {
    const store = await fresh();
    const value = plainMessage();
    const now = await acceptNow(store, value);
    return { store, value, now };
  }

  const error = { class: "ambiguous" as const, reason: "timeout", message: "no answer twice" };

  describe("pinned rounds, holds, release and cancel", () => {
    it("carries a pin to the next claim and clears it after", async () => {
      const { store, value, now } = await accepted();
      const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now });
      expect(job?.pinnedProvider).toBeNull();
      await store.retryLater({
        jobId: job!.jobId,
        owner: "w",
        messageId: value.id,
        runAt: now,
        possibleDuplicate: true,
        pin: "primary",
      });
      const [pinned] = await store.claimJobs({
        owner: "w",
        limit: 1,
        leaseMs: 1000,
        now: new Date(now.getTime() + 1),
      });
      expect(pinned?.pinnedProvider).toBe("primary");
      await store.retryLater({
        jobId: job!.jobId,
        owner: "w",
        messageId: value.id,
        runAt: now,
        possibleDuplicate: true,
      });
      const [again] = await store.claimJobs({
        owner: "w",
        limit: 1,
        leaseMs: 1000,
        now: new Date(now.getTime() + 2),
      });
      expect(again?.pinnedProvider).toBeNull();
    });

    it("holds a message until it is released, then dispatches it again", async () => {
      const { store, value, now } = await accepted();
      const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now });
      await store.holdMessage({
        jobId: job!.jobId,
        owner: "w",
        messageId: value.id,
        error,
        at: now,
      });
      expect(await store.getMessage(value.id)).toMatchObject({
        status: "held",
        possibleDuplicate: true,
        error,
      });
      expect(await store.countPendingJobs()).toBe(0);
      expect(await store.releaseMessage(value.id, now)).toBe(true);
      expect(await store.releaseMessage(value.id, now)).toBe(false);
      expect((await store.getMessage(value.id))?.status).toBe("queued");
      expect(await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now })).toHaveLength(1);
    });

    it("cancels a held message, but not one being sent, with a cancelled event per recipient", async () => {
      const { store, value, now } = await accepted();
      const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 60_000, now });
      expect(await store.cancelMessage(value.id, now)).toBe(false);
      await store.holdMessage({
        jobId: job!.jobId,
        owner: "w",
        messageId: value.id,
        error,
        at: now,
      });
      expect(await store.cancelMessage(value.id, now)).toBe(true);
      const detail = (await store.getMessage(value.id))!;
      // The hold's reason stays: it says why someone had to decide.
      expect(detail).toMatchObject({ status: "cancelled", error });
      expect(detail.recipients).toEqual([{ email: "one@example.com", status: "cancelled" }]);
      expect(detail.events.map((event) => [event.type, event.recipient, event.reason])).toEqual([
        ["queued", "one@example.com", null],
        ["cancelled", "one@example.com", "cancelled through the API"],
      ]);
      const feed = await store.listEvents({ limit: 10, types: ["cancelled"] });
      expect(feed.data.map((event) => event.messageId)).toEqual([value.id]);
      expect(await store.cancelMessage(value.id, now)).toBe(false);
      expect(await store.releaseMessage(value.id, now)).toBe(false);
    });

    it("stores a message due later as scheduled, and cancels it before it is claimed", async () => {
      const store = await fresh();
      const value = plainMessage({
        to: [{ email: "one@example.com" }, { email: "two@example.com" }],
      });
      const now = new Date();
      await store.acceptMessage({
        message: value,
        acceptedAt: now,
        runAt: new Date(now.getTime() + 60_000),
        response: { status: 202, body: {} },
      });
      expect((await store.getMessage(value.id))?.status).toBe("scheduled");
      expect(await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now })).toEqual([]);
      expect(await store.cancelMessage(value.id, now)).toBe(true);
      const detail = (await store.getMessage(value.id))!;
      expect(detail.status).toBe("cancelled");
      expect(detail.recipients.map((recipient) => recipient.status)).toEqual([
        "cancelled",
        "cancelled",
      ]);
      expect(detail.events.filter((event) => event.type === "cancelled")).toHaveLength(2);
      expect(await store.countPendingJobs()).toBe(0);
    });

    it("moves a scheduled message to sending once it falls due and an attempt starts", async () => {
      const store = await fresh();
      const value = plainMessage();
      const now = new Date();
      const due = new Date(now.getTime() + 60_000);
      await store.acceptMessage({
        message: value,
        acceptedAt: now,
        runAt: due,
        response: { status: 202, body: {} },
      });
      const { job } = await claimAndStartAttempt(store, { owner: "w", provider: "p", now: due });
      expect(job.message.id).toBe(value.id);
      expect((await store.getMessage(value.id))?.status).toBe("sending");
    });

    it("counts accepted attempts per provider since a time", async () => {
      const { store, value, now } = await accepted();
      const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now });
      for (const outcome of ["retryable", "accepted"] as const) {
        const id = await store.startAttempt({
          messageId: value.id,
          jobId: job!.jobId,
          owner: "w",
          provider: outcome === "accepted" ? "b" : "a",
          startedAt: now,
          leaseUntil: new Date(now.getTime() + 1000),
        });
        await store.finishAttempt(id, { outcome, durationMs: 1 });
      }
      expect(await store.countAcceptedSince(new Date(now.getTime() - 1))).toEqual({ b: 1 });
      expect(await store.countAcceptedSince(new Date(now.getTime() + 1))).toEqual({});
    });
  });

  describe("routes saved through the API", () => {
    it("are null until saved, then replaced on save", async () => {
      const { store } = await accepted();
      expect(await store.loadRoutes()).toBeNull();
      await store.saveRoutes([{ name: "a", providers: ["x"] }], new Date("2026-11-22T10:00:00Z"));
      await store.saveRoutes([{ name: "b", providers: ["y"] }], new Date("2026-11-22T11:00:00Z"));
      expect(await store.loadRoutes()).toEqual({
        routes: [{ name: "b", providers: ["y"] }],
        updatedAt: "2026-11-22T11:00:00.000Z",
      });
    });
  });

  describe("a message's tracking", () => {
    it("is shown when set and absent otherwise", async () => {
      const store = await fresh();
      const tracked = plainMessage({ tracking: { opens: false, clicks: true } });
      const plain = plainMessage();
      await acceptNow(store, tracked);
      await acceptNow(store, plain);
      expect((await store.getMessage(tracked.id))?.tracking).toEqual({
        opens: false,
        clicks: true,
      });
      expect(await store.getMessage(plain.id)).not.toHaveProperty("tracking");
    });
  });
}
