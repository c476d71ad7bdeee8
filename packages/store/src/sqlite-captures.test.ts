import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { bytes, captureReport, heavyMessage } from "./contract/byte-budgets";
import { migrationsFolder } from "./open-database";
import { createSqliteStore } from "./sqlite-store";
import { closeStoresAfterEach } from "./testing";

const track = closeStoresAfterEach();

describe("captures on a SQLite file", () => {
  it("lists summaries without ever reading the stored message", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-captures-")), "m.db");
    const store = track(createSqliteStore({ path, synchronous: "normal" }));
    const value = await captureReport(store);
    // Make the stored message unreadable (same length): a summary page must not need it.
    const other = new Database(path);
    other.prepare("update captures set payload = ?").run("x".repeat(bytes(value)));
    other.close();
    const [summary] = (await store.listCaptures({ limit: 10 })).data;
    expect(summary).toMatchObject({ size: bytes(value), message: { subject: "Quarterly report" } });
  });

  it("gives captures stored before summaries existed a summary when it migrates", async () => {
    const folder = mkdtempSync(join(tmpdir(), "mailroute-migrate-"));
    const older = join(folder, "migrations");
    cpSync(migrationsFolder, older, { recursive: true });
    const journalPath = join(older, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((entry) => entry.tag < "0006");
    writeFileSync(journalPath, JSON.stringify(journal));
    const path = join(folder, "m.db");
    const sqlite = new Database(path);
    migrate(drizzle({ client: sqlite }), { migrationsFolder: older });
    const value = heavyMessage(4_000, "Before");
    value.attachments.push({ filename: "pad.bin", content: "QQ==" });
    sqlite
      .prepare(
        "insert into captures (id, message_id, provider, payload, requests, captured_at) values (?, ?, ?, ?, ?, ?)",
      )
      .run("cap_old", value.id, "capture", JSON.stringify(value), 2, Date.now());
    sqlite.close();
    const store = createSqliteStore({ path, synchronous: "normal" });
    track(store);
    const page = await store.listCaptures({ limit: 10 });
    expect(page.data[0]).toMatchObject({
      id: "cap_old",
      requests: 2,
      size: bytes(value),
      message: {
        subject: "Before",
        to: value.to,
        attachments: [
          { filename: "report.pdf", contentType: "application/pdf", size: 1500 },
          { filename: "pad.bin", contentType: null, contentId: null, size: 1 },
        ],
      },
    });
    const [content] = (await store.listCaptures({ limit: 1, include: "content" })).data;
    expect(content?.message).toEqual(value);
  });
});
