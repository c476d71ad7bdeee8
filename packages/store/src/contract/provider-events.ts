import type { IncomingEvent } from "@mailroute/core";
import { incomingEvent, plainMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { acceptNow, claimAndStartAttempt } from "../testing";
import type { ContractStore, FreshStore } from "./contract-store";

const message = () =>
  plainMessage({ to: [{ email: "one@example.com" }, { email: "two@example.com" }] });

/** A message accepted and sent through provider "sg" with provider id "pm-1". */
async function sentMessage(store: ContractStore) {
  const value = message();
  const now = await acceptNow(store, value);
  const { job, attemptId } = await claimAndStartAttempt(store, { owner: "w", provider: "sg", now });
  await store.finishAttempt(attemptId, {
    outcome: "accepted",
    durationMs: 5,
    providerMessageId: `pm-${value.id}`,
  });
  await store.completeMessage({
    jobId: job.jobId,
    owner: "w",
    messageId: value.id,
    status: "sent",
    provider: "sg",
    providerType: "sendgrid",
    providerMessageId: `pm-${value.id}`,
    possibleDuplicate: false,
    at: now,
  });
  return value;
}

const event = incomingEvent;

const record = (store: ContractStore, events: IncomingEvent[]) =>
  store.recordProviderEvents({
    provider: "sg",
    providerType: "sendgrid",
    receivedAt: new Date(),
    events,
  });

/** Completes a message as sent through "sg", without a provider message id. */
const completeAsSent = (store: ContractStore, jobId: string, messageId: string, at: Date) =>
  store.completeMessage({
    jobId,
    owner: "w",
    messageId,
    status: "sent",
    provider: "sg",
    possibleDuplicate: false,
    at,
  });

/** Provider events (correlation, dedupe, status, suppression), the feed, suppressions and rejections. */
export function providerEventsContract(fresh: FreshStore): void {
  describe("recordProviderEvents", () => {
    it("correlates by our id, else by the provider's id on an attempt, else keeps an orphan", async () => {
      const store = await fresh();
      const value = await sentMessage(store);
      const result = await record(store, [
        event({ mailrouteId: value.id }),
        event({ providerMessageId: `pm-${value.id}`, recipient: "two@example.com" }),
        event({ providerMessageId: "unknown-id", recipient: "x@example.com" }),
      ]);
      expect(result).toEqual({ stored: 3, duplicates: 0, orphans: 1, suppressed: [] });
      const detail = (await store.getMessage(value.id))!;
      expect(detail.status).toBe("delivered");
      expect(detail.recipients.map((recipient) => recipient.status)).toEqual([
        "delivered",
        "delivered",
      ]);
      const feed = await store.listEvents({ limit: 100, types: ["delivered"], include: "raw" });
      expect(feed.data.map((item) => item.messageId)).toEqual([value.id, value.id, null]);
      expect(feed.data[2]).toMatchObject({ raw: { any: "thing" } });
    });

    it("matches a provider's message id only on that provider's attempts, even under a stale id of ours", async () => {
      const store = await fresh();
      const value = await sentMessage(store);
      const elsewhere = await store.recordProviderEvents({
        provider: "mailgun",
        providerType: "mailgun",
        receivedAt: new Date(),
        events: [event({ providerMessageId: `pm-${value.id}` })],
      });
      expect(elsewhere).toMatchObject({ stored: 1, orphans: 1 });
      const here = await record(store, [
        event({ mailrouteId: "msg_not_stored", providerMessageId: `pm-${value.id}` }),
      ]);
      expect(here).toMatchObject({ stored: 1, orphans: 0 });
      expect((await store.getMessage(value.id))?.recipients[0]?.status).toBe("delivered");
    });

    it("keeps each provider's dedupe keys apart, and stores an event without a time at its arrival", async () => {
      const store = await fresh();
      const receivedAt = new Date("2026-11-22T12:00:00.000Z");
      const result = await store.recordProviderEvents({
        provider: "mailgun",
        providerType: "mailgun",
        receivedAt,
        events: [event({ dedupeKey: "same", occurredAt: null })],
      });
      expect(result.stored).toBe(1);
      expect((await record(store, [event({ dedupeKey: "same" })])).stored).toBe(1);
      const feed = await store.listEvents({ limit: 10 });
      expect(feed.data.map((item) => [item.provider, item.occurredAt])).toEqual([
        ["mailgun", receivedAt.toISOString()],
        ["sg", "2026-11-22T10:00:00.000Z"],
      ]);
    });

    it("stores a redelivered event once", async () => {
      const store = await fresh();
      const value = await sentMessage(store);
      const again = event({ mailrouteId: value.id, dedupeKey: "sg-event-1" });
      expect((await record(store, [again, again])).duplicates).toBe(1);
      expect((await record(store, [again])).duplicates).toBe(1);
      expect((await store.listEvents({ limit: 100, types: ["delivered"] })).data).toHaveLength(1);
    });

    it("handles events out of order: an open before its delivery, a bounce after it", async () => {
      const store = await fresh();
      const value = await sentMessage(store);
      await record(store, [
        event({ mailrouteId: value.id, type: "opened" }),
        event({ mailrouteId: value.id, type: "delivered" }),
      ]);
      expect((await store.getMessage(value.id))?.recipients[0]?.status).toBe("opened");
      await record(store, [
        event({ mailrouteId: value.id, recipient: "two@example.com", type: "delivered" }),
      ]);
      await record(store, [
        event({
          mailrouteId: value.id,
          recipient: "two@example.com",
          type: "bounced",
          bounce: "hard",
        }),
      ]);
      const detail = (await store.getMessage(value.id))!;
      expect(detail.recipients.map((recipient) => recipient.status)).toEqual(["opened", "bounced"]);
      expect(detail.status).toBe("bounced");
    });

    it("suppresses hard bounces, complaints and unsubscribes, once each", async () => {
      const store = await fresh();
      const value = await sentMessage(store);
      const result = await record(store, [
        event({
          mailrouteId: value.id,
          type: "bounced",
          bounce: "hard",
          reason: "550 5.1.1 no such user",
        }),
        event({
          mailrouteId: value.id,
          type: "bounced",
          bounce: "soft",
          recipient: "two@example.com",
        }),
        event({ type: "complained", recipient: "angry@example.com" }),
        event({ type: "bounced", bounce: "hard", recipient: "one@example.com" }),
      ]);
      expect(result.suppressed).toEqual(["one@example.com", "angry@example.com"]);
      const listed = await store.findSuppressions([
        "ONE@example.com",
        "two@example.com",
        "angry@example.com",
      ]);
      expect(listed.map((item) => [item.email, item.reason, item.messageId])).toEqual([
        ["angry@example.com", "complaint", null],
        ["one@example.com", "hard_bounce", value.id],
      ]);
      expect(listed.find((item) => item.email === "one@example.com")?.note).toBe(
        "550 5.1.1 no such user",
      );
    });

    it("does not let a sent completion overwrite a status a fast webhook already set", async () => {
      const store = await fresh();
      const value = message();
      const now = await acceptNow(store, value);
      const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now });
      await record(store, [event({ mailrouteId: value.id, type: "delivered" })]);
      expect((await store.getMessage(value.id))?.status).toBe("queued");
      await completeAsSent(store, job!.jobId, value.id, now);
      const detail = (await store.getMessage(value.id))!;
      expect(detail.recipients.map((recipient) => recipient.status)).toEqual(["delivered", "sent"]);
      expect(detail.status).toBe("delivered");
    });
  });

  describe("listEvents", () => {
    it("pages forward without skipping or repeating, and keeps a cursor on an empty page", async () => {
      const store = await fresh();
      await record(
        store,
        Array.from({ length: 23 }, (_, index) => event({ recipient: `r${index}@example.com` })),
      );
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page += 1) {
        const result = await store.listEvents({ limit: 5, after });
        seen.push(...result.data.map((item) => item.recipient ?? ""));
        after = result.nextCursor ?? undefined;
        if (result.data.length === 0) {
          break;
        }
      }
      expect(seen).toEqual(Array.from({ length: 23 }, (_, index) => `r${index}@example.com`));
      await record(store, [event({ recipient: "late@example.com" })]);
      const next = await store.listEvents({ limit: 5, after });
      expect(next.data.map((item) => item.recipient)).toEqual(["late@example.com"]);
      await expect(store.listEvents({ limit: 5, after: "nope" })).rejects.toThrow(/after/);
    });
  });

  describe("suppressions", () => {
    it("adds, lists, finds and removes addresses", async () => {
      const store = await fresh();
      expect(
        await store.addSuppression({
          email: "A@Example.com",
          reason: "manual",
          provider: null,
          eventId: null,
          messageId: null,
          note: "asked",
          at: new Date(),
        }),
      ).toBe(true);
      expect(
        await store.addSuppression({
          email: "a@example.com",
          reason: "complaint",
          provider: null,
          eventId: null,
          messageId: null,
          note: null,
          at: new Date(),
        }),
      ).toBe(false);
      expect((await store.listSuppressions({ limit: 10 })).data).toMatchObject([
        { email: "a@example.com", reason: "manual", note: "asked" },
      ]);
      expect(await store.removeSuppression("a@EXAMPLE.com")).toBe(true);
      expect(await store.removeSuppression("a@example.com")).toBe(false);
      expect(await store.findSuppressions(["a@example.com"])).toEqual([]);
    });
  });

  describe("rejectRecipients", () => {
    it("rejects suppressed recipients, and the whole message when final", async () => {
      const store = await fresh();
      const value = message();
      const now = await acceptNow(store, value);
      const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now });
      await store.rejectRecipients({
        messageId: value.id,
        jobId: job!.jobId,
        owner: "w",
        recipients: ["one@example.com"],
        reason: "suppressed",
        final: false,
        at: now,
      });
      expect(
        (await store.getMessage(value.id))?.recipients.map((recipient) => recipient.status),
      ).toEqual(["rejected", "queued"]);
      await store.rejectRecipients({
        messageId: value.id,
        jobId: job!.jobId,
        owner: "w",
        recipients: ["two@example.com"],
        reason: "suppressed",
        final: true,
        at: now,
      });
      const detail = (await store.getMessage(value.id))!;
      expect(detail.status).toBe("rejected");
      expect(
        detail.events.filter((item) => item.type === "rejected").map((item) => item.reason),
      ).toEqual(["suppressed", "suppressed"]);
      expect(await store.countPendingJobs()).toBe(0);
    });

    it("moves only recipients still queued: a second rejection, or a completion, leaves them be", async () => {
      const store = await fresh();
      const value = message();
      const now = await acceptNow(store, value);
      const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now });
      const reject = {
        messageId: value.id,
        jobId: job!.jobId,
        owner: "w",
        recipients: ["one@example.com", "one@example.com", "nobody@example.com"],
        reason: "suppressed",
        final: false,
        at: now,
      };
      await store.rejectRecipients(reject);
      await store.rejectRecipients(reject);
      await completeAsSent(store, job!.jobId, value.id, now);
      const detail = (await store.getMessage(value.id))!;
      expect(detail.recipients).toEqual([
        { email: "one@example.com", status: "rejected" },
        { email: "two@example.com", status: "sent" },
      ]);
      expect(detail.status).toBe("sent");
      expect(
        detail.events
          .filter((item) => item.type !== "queued")
          .map((item) => [item.type, item.recipient]),
      ).toEqual([
        ["rejected", "one@example.com"],
        ["sent", "two@example.com"],
      ]);
    });
  });
}
