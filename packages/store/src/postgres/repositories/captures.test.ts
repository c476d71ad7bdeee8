import { plainMessage } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { listCaptures, saveCapture } from "./captures";
import { useRepositoryDatabase } from "./repository-testing";

// What every store does is the store contract's (postgres.contract.test.ts runs it here); these
// tests add captures racing on one database and a summary page that never reads the message.
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
});
