// The storage floor of a durable accept: the rows POST /v1/messages stores for the bench's body
// (the message with its payload, 3 recipients, a tag, 3 `queued` events, the job), written with
// raw prepared statements and precomputed values into mailroute's own schema, `batch` messages
// per transaction, the WAL fsynced after each commit as the write queue does, SQLite's own
// automatic checkpoints. No HTTP, no validation, no JavaScript of mailroute's: what any server
// storing these rows pays at least.
import { fsyncSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newId } from "@mailroute/core";
import { openDatabase } from "@mailroute/store";
import { serveCommands } from "../support/child";
import { sendBody } from "../support/message-body";

export interface FloorCommand {
  seconds: number;
  batch: number;
}

export interface FloorResult {
  messages: number;
  perSecond: number;
  cpuMicrosPerMessage: number;
}

const folder = mkdtempSync(join(tmpdir(), "mailroute-floor-"));
const path = join(folder, "floor.db");
const { sqlite } = openDatabase({ path, synchronous: "normal" });
const wal = openSync(`${path}-wal`, "r");
const body = sendBody();
const payload = JSON.stringify(body);
const envelope = JSON.stringify({
  from: body.from,
  to: body.to,
  tags: body.tags,
  metadata: body.metadata,
});
const recipients = ["jane.doe@example.com", "john.roe@example.com", "ops@example.org"];
const tags = JSON.stringify(body.tags);
const metadata = JSON.stringify(body.metadata);
const insertMessage = sqlite.prepare(
  "insert into messages (id, status, from_email, subject, envelope, payload, send_at, created_at, updated_at) values (?, 'queued', 'orders@acme.test', ?, ?, ?, ?, ?, ?)",
);
const insertRecipient = sqlite.prepare(
  "insert into recipients (message_id, email, kind, status, updated_at) values (?, ?, 'to', 'queued', ?)",
);
const insertTag = sqlite.prepare(
  "insert into message_tags (message_id, tag) values (?, 'receipt')",
);
const insertEvent = sqlite.prepare(
  "insert into delivery_events (id, message_id, provider, provider_type, type, recipient, occurred_at, received_at, tags, metadata) values (?, ?, 'mailroute', 'mailroute', 'queued', ?, ?, ?, ?, ?)",
);
const insertJob = sqlite.prepare(
  "insert into jobs (id, message_id, run_at, created_at) values (?, ?, ?, ?)",
);
const store = sqlite.transaction((count: number) => {
  for (let index = 0; index < count; index += 1) {
    const now = Date.now();
    const id = newId("msg", now);
    insertMessage.run(id, body.subject, envelope, payload, now, now, now);
    for (const email of recipients) {
      insertRecipient.run(id, email, now);
    }
    insertTag.run(id);
    for (const email of recipients) {
      insertEvent.run(newId("evt", now), id, email, now, now, tags, metadata);
    }
    insertJob.run(`job_${id.slice(4)}`, id, now, now);
  }
});

serveCommands({}, async (command: FloorCommand): Promise<FloorResult> => {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let messages = 0;
  while (performance.now() - started < command.seconds * 1000) {
    store(command.batch);
    fsyncSync(wal);
    messages += command.batch;
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  // Each round starts from an empty WAL.
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  return {
    messages,
    perSecond: (messages * 1000) / wallMs,
    cpuMicrosPerMessage: (cpu.user + cpu.system) / messages,
  };
});

process.on("SIGTERM", () => {
  sqlite.close();
  rmSync(folder, { recursive: true, force: true });
  process.exit(0);
});
