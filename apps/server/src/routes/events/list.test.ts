import type { IncomingEvent } from "@mailroute/core";
import { createFakeProvider, incomingEvent } from "@mailroute/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp } from "../../test-support";

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

interface Page {
  data: { recipient: string; raw?: unknown }[];
  nextCursor: string;
}

/** An app whose feed holds `count` provider events, each with a raw payload of `rawSize` bytes. */
async function withEvents(count: number, rawSize: number) {
  const app = await createTestApp({ providers: [createFakeProvider("primary")] });
  apps.push(app);
  const events = Array.from(
    { length: count },
    (_, index): IncomingEvent =>
      incomingEvent({
        recipient: `r${index}@example.com`,
        occurredAt: new Date().toISOString(),
        raw: { index, body: "b".repeat(rawSize) },
      }),
  );
  await app.store.recordProviderEvents({
    provider: "primary",
    providerType: "sendgrid",
    receivedAt: new Date(),
    events,
  });
  const list = async (query: string) => {
    const response = await app.get(`/v1/events?${query}`);
    return { status: response.status, text: await response.text() };
  };
  return { list, recipients: events.map((event) => event.recipient) };
}

describe("GET /v1/events", () => {
  it("leaves the raw payload out unless include=raw asks for it, at most 100 a page", async () => {
    const { list, recipients } = await withEvents(120, 10);
    const summaries = JSON.parse((await list("limit=1000")).text) as Page;
    expect(summaries.data.map((event) => event.recipient)).toEqual(recipients);
    expect(summaries.data.every((event) => !("raw" in event))).toBe(true);
    const withRaw = JSON.parse((await list("include=raw")).text) as Page;
    expect(withRaw.data).toHaveLength(100);
    expect(withRaw.data[7]?.raw).toEqual({ index: 7, body: "b".repeat(10) });
    expect((await list("include=raw&limit=100")).status).toBe(200);
    const tooMany = await list("include=raw&limit=101");
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.text)).toMatchObject({
      error: { details: [{ path: "limit", message: "must be at most 100 with include=raw" }] },
    });
  });

  it("ends a page early at about 1 MB and continues right after its last event", async () => {
    const { list, recipients } = await withEvents(7, 400_000);
    const summaries = JSON.parse((await list("")).text) as Page;
    expect(summaries.data).toHaveLength(7);
    const seen: string[] = [];
    const sizes: number[] = [];
    let after = "";
    for (let round = 0; round < 10; round += 1) {
      const { text } = await list(`include=raw${after ? `&after=${after}` : ""}`);
      expect(Buffer.byteLength(text)).toBeLessThan(1_000_000);
      const page = JSON.parse(text) as Page;
      after = page.nextCursor;
      if (page.data.length === 0) {
        break;
      }
      seen.push(...page.data.map((event) => event.recipient));
      sizes.push(page.data.length);
    }
    expect(sizes).toEqual([2, 2, 2, 1]);
    expect(seen).toEqual(recipients);
  });
});
