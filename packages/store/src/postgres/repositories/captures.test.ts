import { pageBudgetBytes } from "@mailroute/core";
import { plainMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { listCaptures, saveCapture } from "./captures";
import { useRepositoryDatabase } from "./repository-testing";

const database = useRepositoryDatabase(["captures"]);

/** A JSON answer's size, as the HTTP layer serializes it. */
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** A message of about `size` bytes: an HTML body and a base64 attachment. */
function heavyMessage(size: number, subject = "heavy") {
  return plainMessage({
    subject,
    html: `<p>${"h".repeat(size / 2)}</p>`,
    attachments: [
      { filename: "report.pdf", contentType: "application/pdf", content: "QUJD".repeat(size / 8) },
    ],
  });
}

function save(message: ReturnType<typeof plainMessage>, at = new Date()) {
  return database.write((client) =>
    saveCapture(client, { messageId: message.id, provider: "capture", message, at }),
  );
}

describe("captures", () => {
  it("keeps one capture per message and counts repeated requests", async () => {
    const value = plainMessage();
    const first = await save(value);
    const second = await save(value);
    expect(first.replayed).toBe(false);
    expect(second).toEqual({ id: first.id, replayed: true });
    const page = await database.read((client) => listCaptures(client, { limit: 10 }));
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ messageId: value.id, requests: 2 });
  });

  it("counts every request when instances capture the same message at once", async () => {
    const value = plainMessage();
    const results = await Promise.all(Array.from({ length: 6 }, () => save(value)));
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    const [capture] = (await database.read((client) => listCaptures(client, { limit: 10 }))).data;
    expect(capture?.requests).toBe(6);
  });

  it("lists summaries without bodies or attachment contents, and never reads the stored message", async () => {
    const value = heavyMessage(40_000, "Quarterly report");
    await save(value);
    // A summary page must not read the stored message: make it unreadable (same length), and list.
    await database.pool.query("update captures set payload = $1", ["x".repeat(bytes(value))]);
    const page = await database.read((client) => listCaptures(client, { limit: 10 }));
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
          { filename: "report.pdf", contentType: "application/pdf", contentId: null, size: 15_000 },
        ],
      },
    });
    expect(bytes(page)).toBeLessThan(1000);
  });

  it("answers the whole message only with include content", async () => {
    const value = heavyMessage(40_000);
    await save(value);
    await save(plainMessage());
    const [summary] = (
      await database.read((client) => listCaptures(client, { messageId: value.id, limit: 10 }))
    ).data;
    expect(summary?.message).not.toHaveProperty("html");
    const page = await database.read((client) =>
      listCaptures(client, { messageId: value.id, limit: 10, include: "content" }),
    );
    expect(page.data).toHaveLength(1);
    expect(page.data[0]?.message).toEqual(value);
  });

  it("stops a content page at the byte budget, one message at least, and pages on without gaps", async () => {
    const saved: string[] = [];
    const start = Date.now();
    for (let index = 0; index < 5; index += 1) {
      // 400 kB each, then one of 1.5 MB, larger than a whole page.
      const value = heavyMessage(index === 2 ? 1_500_000 : 400_000);
      await save(value, new Date(start + index));
      saved.unshift(value.id);
    }
    const pages: { messageId: string }[][] = [];
    let cursor: string | undefined;
    do {
      const page = await database.read((client) =>
        listCaptures(client, { limit: 10, cursor, include: "content" }),
      );
      pages.push(page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages.map((page) => page.length)).toEqual([2, 1, 2]);
    expect(pages.flat().map((capture) => capture.messageId)).toEqual(saved);
    for (const page of pages) {
      expect(page.length === 1 || bytes(page) <= pageBudgetBytes).toBe(true);
    }
  });
});
