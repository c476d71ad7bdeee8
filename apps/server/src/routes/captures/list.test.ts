import { createFakeProvider, plainMessage } from "@mailroute/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp } from "../../test-support";

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

interface Page {
  data: { messageId: string; size: number; message: Record<string, unknown> }[];
  nextCursor: string | null;
}

/** An app with `count` captured messages of about `size` bytes each, the newest first in `ids`. */
async function withCaptures(count: number, size: number) {
  const app = await createTestApp({ providers: [createFakeProvider("primary")] });
  apps.push(app);
  const ids: string[] = [];
  const start = Date.now();
  for (let index = 0; index < count; index += 1) {
    const message = plainMessage({
      subject: `Invoice ${index}`,
      text: "t".repeat(size / 2),
      attachments: [{ filename: "invoice.pdf", content: "QUJD".repeat(size / 8) }],
    });
    await app.store.saveCapture({
      messageId: message.id,
      provider: "capture",
      message,
      at: new Date(start + index),
    });
    ids.unshift(message.id);
  }
  const list = async (query: string) => {
    const response = await app.get(`/v1/captures?${query}`);
    return { status: response.status, text: await response.clone().text(), response };
  };
  return { app, ids, list };
}

describe("GET /v1/captures", () => {
  it("answers summaries: addresses, subject and attachment sizes, no bodies or contents", async () => {
    const { ids, list } = await withCaptures(3, 8000);
    const { status, text } = await list("");
    expect(status).toBe(200);
    const page = JSON.parse(text) as Page;
    expect(page.data.map((capture) => capture.messageId)).toEqual(ids);
    expect(page.data[0]?.message).toEqual({
      from: { email: "a@acme.test" },
      to: [{ email: "one@example.com" }],
      cc: [],
      bcc: [],
      subject: "Invoice 2",
      attachments: [{ filename: "invoice.pdf", contentType: null, contentId: null, size: 3000 }],
    });
    expect(page.data[0]?.size).toBeGreaterThan(8000);
    expect(text).not.toContain("tttt");
    expect(text).not.toContain("QUJD");
  });

  it("answers whole messages with include=content, at most 10 a page", async () => {
    const { ids, list } = await withCaptures(12, 800);
    const first = JSON.parse((await list("include=content")).text) as Page;
    expect(first.data).toHaveLength(10);
    expect(first.data[0]?.message).toMatchObject({
      subject: "Invoice 11",
      text: "t".repeat(400),
      attachments: [{ filename: "invoice.pdf", content: "QUJD".repeat(100) }],
    });
    const rest = JSON.parse(
      (await list(`include=content&cursor=${first.nextCursor}`)).text,
    ) as Page;
    expect([...first.data, ...rest.data].map((capture) => capture.messageId)).toEqual(ids);
    expect(rest.nextCursor).toBeNull();

    const one = JSON.parse((await list(`messageId=${ids[3]}&include=content`)).text) as Page;
    expect(one.data.map((capture) => capture.message.subject)).toEqual(["Invoice 8"]);

    expect((await list("include=content&limit=10")).status).toBe(200);
    const tooMany = await list("include=content&limit=11");
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.text)).toMatchObject({
      error: {
        code: "VALIDATION_ERROR",
        details: [{ path: "limit", message: "must be at most 10 with include=content" }],
      },
    });
    expect((await list("limit=100")).status).toBe(200);
    expect((await list("include=bodies")).status).toBe(400);
  });

  it("ends a page of contents early at about 1 MB, and the cursor goes on from there", async () => {
    const { ids, list } = await withCaptures(5, 400_000);
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor = "";
    do {
      const { text } = await list(`include=content${cursor ? `&cursor=${cursor}` : ""}`);
      const page = JSON.parse(text) as Page;
      seen.push(...page.data.map((capture) => capture.messageId));
      sizes.push(page.data.length);
      expect(Buffer.byteLength(text)).toBeLessThan(1_000_000);
      cursor = page.nextCursor ?? "";
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(ids);
  });
});
