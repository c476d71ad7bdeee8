import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, mapConcurrently, waitUntil } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "e2e-admin-key-0123456789";
const webhookSecret = "capture-webhook-secret-0123456789";
const megabyte = 1_000_000;
const messageCount = 20;

/** A list answer: its bytes as sent and the page in it. */
interface Answer {
  status: number;
  bytes: number;
  page: { data: Record<string, unknown>[]; nextCursor: string | null };
}

describe("lists stay bounded over large messages and events", () => {
  let server: ServerProcess | undefined;
  const ids: string[] = [];

  const get = async (path: string): Promise<Answer> => {
    const response = await fetch(`${server?.url}${path}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const text = await response.text();
    return { status: response.status, bytes: Buffer.byteLength(text), page: JSON.parse(text) };
  };

  beforeAll(async () => {
    server = await startServer(
      serverEnvironment({
        prefix: "lists",
        config: {
          providers: [{ name: "capture", type: "capture", webhook: { secret: webhookSecret } }],
          routes: [{ name: "default", providers: ["capture"] }],
        },
        apiKey,
      }),
    );
    const api = createApiClient(() => server?.url ?? "", apiKey);
    // 20 messages of about 4 MB: a 2.8 MB base64 attachment and a 1.2 MB HTML body each.
    const attachment = Buffer.alloc(2_100_000, 7).toString("base64");
    const html = `<p>${"h".repeat(1_200_000)}</p>`;
    const sent = await mapConcurrently(
      Array.from({ length: messageCount }, (_, index) => index),
      2,
      (index) =>
        api.send({
          from: "reports@acme.test",
          to: `user${index}@example.com`,
          subject: `Report ${index}`,
          text: "see the attachment",
          html,
          attachments: [{ filename: `report-${index}.bin`, content: attachment }],
        }),
    );
    for (const answer of sent) {
      expect(answer.status).toBe(202);
      ids.push(answer.id as string);
    }
    expect(
      await waitUntil(
        async () => (await get("/v1/messages?status=sent&limit=100")).page.data.length === 20,
        60_000,
        250,
      ),
    ).toBe(true);
    // Events with large raw payloads: the capture webhook keeps each posted item as `raw`.
    for (const [index, id] of ids.entries()) {
      const response = await fetch(`${server.url}/webhooks/capture`, {
        method: "POST",
        headers: { authorization: `Bearer ${webhookSecret}`, "content-type": "application/json" },
        body: JSON.stringify({
          events: [
            {
              id: `delivered-${index}`,
              messageId: id,
              recipient: `user${index}@example.com`,
              type: "delivered",
              occurredAt: new Date().toISOString(),
              reason: `250 ok ${"r".repeat(150_000)}`,
            },
          ],
        }),
      });
      expect(response.status).toBe(200);
    }
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("answers every list under 1 MB, with and without filters, while /healthz keeps answering", async () => {
    const lists = [
      "/v1/messages?limit=100",
      "/v1/messages?status=delivered&limit=100",
      `/v1/messages?to=user3@example.com`,
      "/v1/events?limit=1000",
      "/v1/events?type=delivered&limit=1000",
      `/v1/events?messageId=${ids[0]}`,
      "/v1/captures?limit=100",
      `/v1/captures?messageId=${ids[5]}`,
      "/v1/suppressions?limit=100",
      "/v1/webhook-endpoints",
      "/v1/providers",
    ];
    const health: { status: number; ms: number }[] = [];
    let listing = true;
    const probe = (async () => {
      while (listing) {
        const started = performance.now();
        const response = await fetch(`${server?.url}/healthz`);
        await response.arrayBuffer();
        health.push({ status: response.status, ms: performance.now() - started });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const answers = await Promise.all(
      [...lists, ...lists].map(async (path) => ({ path, ...(await get(path)) })),
    );
    listing = false;
    await probe;
    for (const answer of answers.slice(0, lists.length)) {
      console.log(`${answer.path}: ${answer.bytes} bytes, ${answer.page.data.length} items`);
    }
    const slowest = Math.max(...health.map((entry) => entry.ms));
    console.log(
      `/healthz during the lists: ${health.length} probes, slowest ${slowest.toFixed(1)} ms`,
    );
    for (const answer of answers) {
      expect(answer.status, answer.path).toBe(200);
      expect(answer.bytes, answer.path).toBeLessThan(megabyte);
      expect(JSON.stringify(answer.page), answer.path).not.toContain("hhhhhhhh");
      expect(JSON.stringify(answer.page), answer.path).not.toContain("BwcHBwcH");
    }
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((entry) => entry.status === 200)).toBe(true);

    const messages = answers.find((answer) => answer.path === "/v1/messages?limit=100");
    expect(messages?.page.data).toHaveLength(20);
    const captures = answers.find((answer) => answer.path === "/v1/captures?limit=100");
    expect(captures?.page.data).toHaveLength(20);
    // Two sends run at once, so two messages may be captured in either order: match each
    // summary to its message rather than expecting the last one sent to come first.
    const capturePage = (captures?.page.data ?? []) as {
      messageId: string;
      capturedAt: string;
      size: number;
      message: unknown;
    }[];
    expect(capturePage.map((capture) => capture.messageId).sort()).toEqual([...ids].sort());
    const capturedAt = capturePage.map((capture) => capture.capturedAt);
    expect(capturedAt).toEqual([...capturedAt].sort().reverse());
    for (const capture of capturePage) {
      const index = ids.indexOf(capture.messageId);
      expect(capture.message).toMatchObject({
        subject: `Report ${index}`,
        attachments: [{ filename: `report-${index}.bin`, size: 2_100_000 }],
      });
      expect(capture.size).toBeGreaterThan(4 * megabyte);
    }
  });

  it("pages through the whole event feed under 1 MB a page, never skipping or repeating", async () => {
    const seen: string[] = [];
    let after = "";
    for (let round = 0; round < 50; round += 1) {
      const answer = await get(`/v1/events?limit=1000${after ? `&after=${after}` : ""}`);
      expect(answer.bytes).toBeLessThan(megabyte);
      expect(answer.page.data.every((event) => !("raw" in event))).toBe(true);
      after = answer.page.nextCursor ?? "";
      if (answer.page.data.length === 0) {
        break;
      }
      seen.push(...answer.page.data.map((event) => String(event.id)));
    }
    // Per message: queued, sent and the posted delivery.
    expect(seen).toHaveLength(messageCount * 3);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("gives what include= asks for, within its cap", async () => {
    const raw = await get("/v1/events?type=delivered&include=raw");
    console.log(
      `/v1/events?type=delivered&include=raw: ${raw.bytes} bytes, ${raw.page.data.length} items`,
    );
    expect(raw.status).toBe(200);
    expect(raw.bytes).toBeLessThan(megabyte);
    expect(raw.page.data.length).toBeGreaterThan(0);
    expect(raw.page.data[0]).toMatchObject({
      type: "delivered",
      raw: { id: "delivered-0", messageId: ids[0], type: "delivered" },
    });
    expect((await get("/v1/events?include=raw&limit=101")).status).toBe(400);

    const content = await get(`/v1/captures?messageId=${ids[2]}&include=content`);
    console.log(`/v1/captures?messageId=…&include=content: ${content.bytes} bytes`);
    expect(content.page.data).toHaveLength(1);
    expect(content.page.data[0]?.message).toMatchObject({
      subject: "Report 2",
      html: expect.stringMatching(/^<p>h+<\/p>$/),
      attachments: [{ filename: "report-2.bin", content: expect.stringMatching(/^BwcH/) }],
    });
    // Each message is larger than a page's budget: one a page, and the cursor goes on.
    const pages: number[] = [];
    let cursor = "";
    do {
      const answer = await get(
        `/v1/captures?include=content&limit=10${cursor ? `&cursor=${cursor}` : ""}`,
      );
      pages.push(answer.page.data.length);
      cursor = answer.page.nextCursor ?? "";
    } while (cursor && pages.length < 30);
    expect(pages).toEqual(Array.from({ length: messageCount }, () => 1));
    expect((await get("/v1/captures?include=content&limit=11")).status).toBe(400);
  });
});
