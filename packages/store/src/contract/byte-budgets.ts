import { type IncomingEvent, pageBudgetBytes } from "@mailroute/core";
import { incomingEvent, plainMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { acceptNow } from "../testing";
import type { ContractStore, FreshStore } from "./contract-store";

/** A JSON answer's size, as the HTTP layer serializes it. */
export const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** A message of about `size` bytes: an HTML body and a base64 attachment. */
export function heavyMessage(size: number, subject = "heavy") {
  return plainMessage({
    subject,
    html: `<p>${"h".repeat(size / 2)}</p>`,
    attachments: [
      { filename: "report.pdf", contentType: "application/pdf", content: "QUJD".repeat(size / 8) },
    ],
  });
}

const event = incomingEvent;

const record = (store: ContractStore, events: IncomingEvent[]) =>
  store.recordProviderEvents({
    provider: "capture",
    providerType: "capture",
    receivedAt: new Date(),
    events,
  });

/** Follows `nextCursor` of a newest-first list until it ends; every page it answered. */
async function allPages<T>(
  list: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>,
) {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    pages.push(page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 100);
  return pages;
}

/** Captures a 40 kB message titled "Quarterly report" now; returns the message. */
export async function captureReport(store: ContractStore) {
  const value = heavyMessage(40_000, "Quarterly report");
  await store.saveCapture({
    messageId: value.id,
    provider: "capture",
    message: value,
    at: new Date(),
  });
  return value;
}

/** Every list stops a page at the byte budget and pages on without gaps. */
export function byteBudgetContract(fresh: FreshStore): void {
  describe("captures: summaries and content", () => {
    it("lists summaries without bodies or attachment contents", async () => {
      const store = await fresh();
      const value = await captureReport(store);
      const page = await store.listCaptures({ limit: 10 });
      expect(page.data[0]).toEqual({
        id: expect.any(String),
        messageId: value.id,
        provider: "capture",
        capturedAt: expect.any(String),
        requests: 1,
        size: bytes(value),
        message: {
          from: value.from,
          to: value.to,
          cc: [],
          bcc: [],
          subject: "Quarterly report",
          attachments: [
            {
              filename: "report.pdf",
              contentType: "application/pdf",
              contentId: null,
              size: 15_000,
            },
          ],
        },
      });
      expect(bytes(page)).toBeLessThan(1000);
    });

    it("answers the whole message only with include content", async () => {
      const store = await fresh();
      const value = heavyMessage(40_000);
      await store.saveCapture({
        messageId: value.id,
        provider: "capture",
        message: value,
        at: new Date(),
      });
      const [summary] = (await store.listCaptures({ messageId: value.id, limit: 10 })).data;
      expect(summary?.message).not.toHaveProperty("html");
      const page = await store.listCaptures({ messageId: value.id, limit: 10, include: "content" });
      expect(page.data).toHaveLength(1);
      expect(page.data[0]?.message).toEqual(value);
    });

    it("stops a content page at the byte budget, one message at least, and pages on without gaps", async () => {
      const store = await fresh();
      const saved: string[] = [];
      const start = Date.now();
      for (let index = 0; index < 5; index += 1) {
        // 400 kB each, then one of 1.5 MB, larger than a whole page.
        const value = heavyMessage(index === 2 ? 1_500_000 : 400_000);
        await store.saveCapture({
          messageId: value.id,
          provider: "capture",
          message: value,
          at: new Date(start + index),
        });
        saved.unshift(value.id);
      }
      const pages = await allPages((cursor) =>
        store.listCaptures({ limit: 10, cursor, include: "content" }),
      );
      expect(pages.map((page) => page.length)).toEqual([2, 1, 2]);
      expect(pages.flat().map((capture) => capture.messageId)).toEqual(saved);
      for (const page of pages) {
        expect(page.length === 1 || bytes(page) <= pageBudgetBytes).toBe(true);
      }
    });
  });

  describe("messages: a page of summaries", () => {
    it("stops at the byte budget and pages on without skipping or repeating", async () => {
      const store = await fresh();
      // Each summary carries 12 kB of metadata: 100 of them pass one page's budget.
      const accepted: string[] = [];
      for (let index = 0; index < 120; index += 1) {
        const value = plainMessage({ metadata: { note: "m".repeat(12_000) } });
        await acceptNow(store, value);
        accepted.unshift(value.id);
      }
      const pages = await allPages((cursor) => store.listMessages({ limit: 100, cursor }));
      expect(pages.length).toBeGreaterThan(1);
      expect(pages[0]?.length).toBeLessThan(100);
      for (const page of pages) {
        expect(bytes({ data: page, nextCursor: "x".repeat(40) })).toBeLessThanOrEqual(
          pageBudgetBytes,
        );
      }
      expect(pages.flat().map((message) => message.id)).toEqual(accepted);
    });
  });

  describe("the event feed within the byte budget", () => {
    it("leaves raw out unless asked, and never skips or repeats an event across early stops", async () => {
      const store = await fresh();
      const big = "r".repeat(300_000);
      const sizes = [1, 1, 1, 4, 1, 1, 1, 1];
      await record(
        store,
        sizes.map((size, index) =>
          event({ recipient: `r${index}@example.com`, raw: { body: big.repeat(size) } }),
        ),
      );
      const summaries = await store.listEvents({ limit: 100 });
      expect(summaries.data).toHaveLength(8);
      expect(summaries.data.every((item) => !("raw" in item))).toBe(true);
      expect(bytes(summaries)).toBeLessThan(10_000);

      const pages: { recipient: string | null; raw?: unknown }[][] = [];
      let after: string | undefined;
      for (let round = 0; round < 20; round += 1) {
        const page = await store.listEvents({ limit: 100, after, include: "raw" });
        after = page.nextCursor ?? undefined;
        if (page.data.length === 0) {
          break;
        }
        pages.push(page.data);
      }
      // Three of 300 kB fit in a page; the 1.2 MB event has a page of its own.
      expect(pages.map((page) => page.length)).toEqual([3, 1, 3, 1]);
      expect(pages.flat().map((item) => item.recipient)).toEqual(
        sizes.map((_, index) => `r${index}@example.com`),
      );
      expect(pages[1]?.[0]?.raw).toEqual({ body: big.repeat(4) });
    });
  });

  describe("suppressions within the byte budget", () => {
    it("stops a page of long notes early and continues after it", async () => {
      const store = await fresh();
      for (let index = 0; index < 30; index += 1) {
        await store.addSuppression({
          email: `s${index}@example.com`,
          reason: "manual",
          provider: null,
          eventId: null,
          messageId: null,
          note: "n".repeat(100_000),
          at: new Date(Date.now() + index),
        });
      }
      const pages = await allPages((cursor) => store.listSuppressions({ limit: 100, cursor }));
      expect(pages.map((page) => page.length)).toEqual([9, 9, 9, 3]);
      expect(new Set(pages.flat().map((entry) => entry.email)).size).toBe(30);
    });
  });

  describe("webhook deliveries within the byte budget", () => {
    it("stops a page of deliveries with long attempt logs early and continues after it", async () => {
      const store = await fresh();
      const at = new Date();
      await store.createEndpoint({
        id: "we_1",
        url: "http://127.0.0.1:9/hook",
        description: null,
        eventTypes: null,
        enabled: true,
        secret: "whsec_x",
        at,
      });
      await record(
        store,
        Array.from({ length: 60 }, (_, index) => event({ recipient: `r${index}@example.com` })),
      );
      expect(await store.fanOutEvents(100, at)).toBe(60);
      const created = await store.listDeliveries("we_1", { limit: 100 });
      for (const delivery of created.data) {
        for (let attempt = 0; attempt < 20; attempt += 1) {
          await store.recordDeliveryAttempt({
            deliveryId: delivery.id,
            endpointId: "we_1",
            at,
            status: 500,
            durationMs: 3,
            responseExcerpt: "e".repeat(1000),
            error: null,
            outcome: "retry",
            nextAttemptAt: at,
          });
        }
      }
      const pages = await allPages((cursor) =>
        store.listDeliveries("we_1", { limit: 100, cursor }),
      );
      expect(pages.length).toBeGreaterThan(1);
      for (const page of pages) {
        expect(bytes(page)).toBeLessThanOrEqual(pageBudgetBytes);
      }
      expect(pages.flat().map((delivery) => delivery.id)).toEqual(
        created.data.map((delivery) => delivery.id),
      );
    });
  });
}
