import { type EmailMessage, newId, type PurgeExpiredInput } from "@mailroute/core";
import { incomingEvent, plainMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import type { ContractStore, FreshStore } from "./contract-store";

type RetentionTestStore = ContractStore;

const day = 86_400_000;
const now = new Date("2026-09-30T12:00:00.000Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * day);

/** The default policy's cutoffs at `now`: content 30 days, raw payloads 7, records 90. */
const cutoffs: Omit<PurgeExpiredInput, "limit"> = {
  contentBefore: daysAgo(30),
  rawBefore: daysAgo(7),
  recordsBefore: daysAgo(90),
  now,
};

function withContent(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return plainMessage({
    to: [{ email: "one@example.com" }],
    text: "the text body",
    html: "<p>the html body</p>",
    attachments: [{ filename: "invoice.pdf", content: "aGVsbG8=", contentType: "application/pdf" }],
    tags: ["receipt"],
    metadata: { tenant: "acme" },
    ...overrides,
  });
}

async function acceptAt(store: RetentionTestStore, at: Date, message = withContent()) {
  await store.acceptMessage({
    message,
    acceptedAt: at,
    runAt: at,
    response: { status: 202, body: { id: message.id } },
  });
  return message;
}

/** A message accepted at `at` and sent through "sg" then (its job gone, `sent`). */
async function sentAt(store: RetentionTestStore, at: Date, message = withContent()) {
  await acceptAt(store, at, message);
  const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 60_000, now: at });
  if (!job) {
    throw new Error("no job was due");
  }
  const attemptId = await store.startAttempt({
    messageId: message.id,
    jobId: job.jobId,
    owner: "w",
    provider: "sg",
    startedAt: at,
    leaseUntil: new Date(at.getTime() + 60_000),
  });
  await store.finishAttempt(attemptId, {
    outcome: "accepted",
    durationMs: 5,
    providerMessageId: `pm-${message.id}`,
  });
  await store.completeMessage({
    jobId: job.jobId,
    owner: "w",
    messageId: message.id,
    status: "sent",
    provider: "sg",
    providerType: "sendgrid",
    providerMessageId: `pm-${message.id}`,
    possibleDuplicate: false,
    at,
  });
  return message;
}

/** Runs batches of `limit` until one purges nothing; the sum of what they purged. */
async function purgeAll(store: RetentionTestStore, limit = 100, input = cutoffs) {
  const total = { content: 0, raw: 0, records: 0, batches: 0 };
  for (;;) {
    const result = await store.purgeExpired({ ...input, limit });
    total.batches += 1;
    total.content += result.content;
    total.raw += result.raw;
    total.records += result.records;
    if (result.content + result.raw + result.records === 0) {
      return total;
    }
  }
}

/** The retention purge: what a batch removes at `now` under the default policy, what it keeps. */
export function retentionContract(fresh: FreshStore): void {
  describe("retention purge", () => {
    const track = fresh;

    it("purges a finished message's content after 30 days and still answers its metadata", async () => {
      const store = await track();
      const old = await sentAt(store, daysAgo(31));
      const recent = await sentAt(store, daysAgo(29));
      expect(await purgeAll(store)).toMatchObject({ content: 1, raw: 0, records: 0 });

      const purged = await store.getMessage(old.id);
      expect(purged).toMatchObject({
        id: old.id,
        status: "sent",
        subject: old.subject,
        tags: ["receipt"],
        metadata: { tenant: "acme" },
        text: null,
        html: null,
        attachments: [
          { filename: "invoice.pdf", contentType: "application/pdf", contentId: null, size: 5 },
        ],
        recipients: [{ email: "one@example.com", status: "sent" }],
        contentPurgedAt: now.toISOString(),
      });
      expect(purged?.attempts.map((attempt) => attempt.outcome)).toEqual(["accepted"]);
      expect(purged?.events.map((event) => event.type)).toEqual(["queued", "sent"]);

      const kept = await store.getMessage(recent.id);
      expect(kept).toMatchObject({
        text: "the text body",
        html: "<p>the html body</p>",
        contentPurgedAt: null,
      });
    });

    it("keeps the content and records of unfinished messages however old", async () => {
      const store = await track();
      const queued = await acceptAt(store, daysAgo(200));
      const scheduled = withContent({ sendAt: daysAgo(-1).toISOString() });
      await store.acceptMessage({
        message: scheduled,
        acceptedAt: daysAgo(200),
        runAt: daysAgo(-1),
        response: { status: 202, body: {} },
      });
      // Claimed and being sent (`sending`, with its job leased), and one held.
      const sending = await acceptAt(store, daysAgo(150));
      const held = await acceptAt(store, daysAgo(150));
      const claimed = await store.claimJobs({
        owner: "w",
        limit: 10,
        leaseMs: 400 * day,
        now: daysAgo(1),
      });
      for (const job of claimed.filter((job) => job.message.id !== queued.id)) {
        await store.startAttempt({
          messageId: job.message.id,
          jobId: job.jobId,
          owner: "w",
          provider: "sg",
          startedAt: daysAgo(1),
          leaseUntil: new Date(now.getTime() + day),
        });
      }
      const heldJob = claimed.find((job) => job.message.id === held.id);
      await store.holdMessage({
        jobId: heldJob?.jobId ?? "",
        owner: "w",
        messageId: held.id,
        error: { class: "ambiguous", reason: "timeout", message: "no answer" },
        at: daysAgo(1),
      });
      expect(await purgeAll(store)).toMatchObject({ content: 0, records: 0 });
      for (const message of [queued, scheduled, sending, held]) {
        const detail = await store.getMessage(message.id);
        expect(detail?.text, message.id).toBe("the text body");
        expect(detail?.contentPurgedAt).toBeNull();
      }
      expect((await store.getMessage(held.id))?.status).toBe("held");
      expect((await store.getMessage(sending.id))?.status).toBe("sending");
    });

    it("removes raw provider payloads after 7 days and keeps the events", async () => {
      const store = await track();
      const message = await sentAt(store, daysAgo(20));
      for (const [days, key] of [
        [8, "old"],
        [6, "new"],
      ] as const) {
        await store.recordProviderEvents({
          provider: "sg",
          providerType: "sendgrid",
          receivedAt: daysAgo(days),
          events: [incomingEvent({ mailrouteId: message.id, dedupeKey: key, raw: { key } })],
        });
      }
      expect(await purgeAll(store)).toMatchObject({ content: 0, raw: 1, records: 0 });
      const events = (await store.getMessage(message.id))?.events ?? [];
      expect(events.map((event) => [event.type, event.raw])).toEqual([
        ["queued", null],
        ["sent", null],
        ["delivered", null],
        ["delivered", { key: "new" }],
      ]);
    });

    it("removes whole finished records after 90 days, and keeps suppressions, templates and endpoints", async () => {
      const store = await track();
      const old = await sentAt(store, daysAgo(91));
      const recent = await sentAt(store, daysAgo(89));
      await store.recordProviderEvents({
        provider: "sg",
        providerType: "sendgrid",
        receivedAt: daysAgo(91),
        events: [
          incomingEvent({ mailrouteId: old.id, type: "bounced", bounce: "hard" }),
          // Matches no message: an orphan, removed on the same schedule.
          incomingEvent({ providerMessageId: "unknown", recipient: "x@example.com" }),
        ],
      });
      await store.createTemplate({
        id: newId("tmpl"),
        name: "welcome",
        kind: "template",
        strict: false,
        source: { subject: "Hi", html: null, text: "Hello", partials: [] },
        at: daysAgo(200),
      });
      // Created after those events, so it will never receive them: they need no fan-out first.
      const endpoint = await store.createEndpoint({
        id: newId("we"),
        url: "http://127.0.0.1:9/hook",
        description: null,
        eventTypes: null,
        enabled: true,
        secret: "whsec_x",
        at: daysAgo(200),
      });

      const result = await purgeAll(store);
      // Both messages' content went first (both are past 30 days); then the old message and the
      // orphan event as whole records.
      expect(result).toMatchObject({ content: 2, records: 2 });
      expect(await store.getMessage(old.id)).toBeNull();
      expect(await store.getMessage(recent.id)).not.toBeNull();
      const feed = await store.listEvents({ limit: 100 });
      expect(feed.data.every((event) => event.messageId === recent.id)).toBe(true);
      // The hard bounce's suppression outlives the message that caused it.
      expect((await store.findSuppressions(["one@example.com"])).map((s) => s.reason)).toEqual([
        "hard_bounce",
      ]);
      expect((await store.findTemplateByName("welcome"))?.name).toBe("welcome");
      expect((await store.getEndpoint(endpoint.id))?.id).toBe(endpoint.id);
    });

    it("keeps events the outbound fan-out has not reached, and pending deliveries", async () => {
      const store = await track();
      const endpoint = await store.createEndpoint({
        id: newId("we"),
        url: "http://127.0.0.1:9/hook",
        description: null,
        eventTypes: null,
        enabled: true,
        secret: "whsec_x",
        at: daysAgo(300),
      });
      const delivered = await sentAt(store, daysAgo(200));
      // Fan out the first message's events: one delivery delivered, one left pending.
      await store.fanOutEvents(100, daysAgo(200));
      const claimed = await store.claimDeliveries({
        owner: "o",
        limit: 1,
        leaseMs: 60_000,
        now: daysAgo(200),
      });
      await store.recordDeliveryAttempt({
        deliveryId: claimed[0]?.id ?? "",
        endpointId: endpoint.id,
        at: daysAgo(200),
        status: 200,
        durationMs: 3,
        responseExcerpt: "ok",
        error: null,
        outcome: "delivered",
      });
      // A second message whose events the fan-out never reached.
      const notFannedOut = await sentAt(store, daysAgo(150));

      await purgeAll(store);
      expect(await store.getMessage(delivered.id)).toBeNull();
      expect(await store.getMessage(notFannedOut.id)).not.toBeNull();
      const left = await store.listDeliveries(endpoint.id, { limit: 10 });
      expect(left.data.map((delivery) => delivery.status)).toEqual(["pending"]);
      expect(await store.countPendingDeliveries()).toBe(1);

      // Once the fan-out reached them, they go too.
      await store.fanOutEvents(100, now);
      await purgeAll(store);
      expect(await store.getMessage(notFannedOut.id)).toBeNull();
    });

    it("removes expired idempotency keys only, so a key inside its window still replays", async () => {
      const store = await track();
      const accept = (key: string, expiresAt: Date) =>
        store.acceptMessage({
          message: withContent(),
          acceptedAt: daysAgo(2),
          runAt: daysAgo(2),
          response: { status: 202, body: { key } },
          idempotency: { scope: "key_1", key, requestHash: "h", expiresAt },
        });
      await accept("expired", daysAgo(1));
      await accept("live", new Date(now.getTime() + 60_000));
      expect((await purgeAll(store)).records).toBe(1);
      const lookup = (key: string) =>
        store.findEarlierAnswer({ scope: "key_1", key, requestHash: "h", now: daysAgo(1.5) });
      expect(await lookup("live")).toEqual({
        kind: "replay",
        response: { status: 202, body: { key: "live" } },
      });
      // Looked up at a time it was still valid: gone, so it was really removed.
      expect(await lookup("expired")).toBeNull();
    });

    it("removes captured copies with the content", async () => {
      const store = await track();
      const old = await sentAt(store, daysAgo(40));
      const recent = await sentAt(store, daysAgo(10));
      await store.saveCapture({
        messageId: old.id,
        provider: "capture",
        message: old,
        at: daysAgo(40),
      });
      await store.saveCapture({
        messageId: recent.id,
        provider: "capture",
        message: recent,
        at: daysAgo(10),
      });
      // The old message's content and its captured copy.
      expect((await purgeAll(store)).content).toBe(2);
      const captures = await store.listCaptures({ limit: 10 });
      expect(captures.data.map((capture) => capture.messageId)).toEqual([recent.id]);
    });

    it("purges at most `limit` things a batch, content before records, and leaves nothing due", async () => {
      const store = await track();
      for (let index = 0; index < 7; index += 1) {
        await sentAt(store, daysAgo(40));
      }
      const first = await store.purgeExpired({ ...cutoffs, limit: 3 });
      expect(first.content).toBe(3);
      const rest = await purgeAll(store, 3);
      expect(rest.content).toBe(4);
      expect(rest.batches).toBe(3);
      expect(await store.purgeExpired({ ...cutoffs, limit: 3 })).toEqual({
        content: 0,
        raw: 0,
        records: 0,
      });
    });

    it("purges nothing of a part whose period is never", async () => {
      const store = await track();
      const old = await sentAt(store, daysAgo(400));
      const result = await purgeAll(store, 100, {
        contentBefore: null,
        rawBefore: null,
        recordsBefore: null,
        now,
      });
      expect(result).toMatchObject({ content: 0, raw: 0, records: 0 });
      expect((await store.getMessage(old.id))?.text).toBe("the text body");
    });
  });
}
