import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { migrationsFolder, openDatabase } from "@mailroute/store";
import type Database from "better-sqlite3";

/** One generated message, as the webhook scenario needs it to address events. */
export interface LoggedMessage {
  id: string;
  providerMessageId: string;
  recipients: string[];
  tags: string[];
}

/** Tags messages carry; each message has one of them, some also "transactional". */
export const logTags = [
  "password-reset",
  "receipt",
  "welcome",
  "invoice",
  "shipping",
  "verify",
  "alert",
  "digest",
] as const;

const senders = ["orders@acme.test", "noreply@acme.test", "billing@acme.test", "alerts@acme.test"];

/** Message statuses in a settled log, with their share. */
const statusShares: [string, number][] = [
  ["delivered", 0.8],
  ["sent", 0.09],
  ["bounced", 0.04],
  ["deferred", 0.03],
  ["failed", 0.02],
  ["complained", 0.02],
];

/** A small deterministic PRNG (mulberry32), so every generated log looks alike. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

/** An id like the server's (`msg_` + base36 time + 14 random characters), from the PRNG. */
function timeOrderedId(prefix: string, at: number, random: () => number): string {
  let suffix = "";
  for (let index = 0; index < 14; index += 1) {
    suffix += alphabet[Math.floor(random() * 36)];
  }
  return `${prefix}_${at.toString(36).padStart(10, "0")}${suffix}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function pickStatus(random: () => number): string {
  let roll = random();
  for (const [status, share] of statusShares) {
    roll -= share;
    if (roll < 0) {
      return status;
    }
  }
  return "delivered";
}

/** The third event of each recipient: what the provider reported last. */
function lastEventOf(status: string, random: () => number): string {
  switch (status) {
    case "delivered":
      return pick(random, ["delivered", "delivered", "opened", "clicked"]);
    case "sent":
      return "queued";
    default:
      return status;
  }
}

function insertStatements(sqlite: Database.Database) {
  return {
    message: sqlite.prepare(
      `insert into messages (id, status, from_email, subject, envelope, payload, provider,
         provider_message_id, possible_duplicate, routing, error, send_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, null, ?, ?)`,
    ),
    recipient: sqlite.prepare(
      "insert into recipients (message_id, email, kind, status, updated_at) values (?, ?, 'to', ?, ?)",
    ),
    tag: sqlite.prepare("insert into message_tags (message_id, tag) values (?, ?)"),
    event: sqlite.prepare(
      `insert into delivery_events (id, message_id, provider, provider_type, provider_message_id,
         provider_event_id, dedupe_key, type, bounce, recipient, occurred_at, received_at, reason,
         smtp_code, enhanced_status, url, user_agent, tags, metadata, raw)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null, ?, ?, ?)`,
    ),
    attempt: sqlite.prepare(
      `insert into send_attempts (id, message_id, job_id, provider, outcome, started_at,
         duration_ms, provider_message_id, error) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
}

/**
 * Writes `messages` settled messages spread evenly over `spanMs` up to `endAt`, each with
 * `recipientsPerMessage` recipients, one send attempt, one or two tags and three events per
 * recipient (queued, sent, and what the provider said last), in transactions of 10,000
 * messages. Rows look like the ones the server writes (envelope, payload, routing as JSON).
 */
export function writeMessageLog(
  sqlite: Database.Database,
  options: {
    messages: number;
    recipientsPerMessage: number;
    endAt: number;
    spanMs: number;
    collect?: boolean;
    onProgress?: (done: number) => void;
  },
): LoggedMessage[] {
  const random = createRandom(20_240_601);
  const statements = insertStatements(sqlite);
  const collected: LoggedMessage[] = [];
  const step = options.spanMs / options.messages;
  const start = options.endAt - options.spanMs;
  const body = "Your code is 123456. It expires in 10 minutes. ".repeat(6);
  const writeOne = (index: number) => {
    const createdAt = Math.floor(start + index * step);
    const id = timeOrderedId("msg", createdAt, random);
    const status = pickStatus(random);
    const from = pick(random, senders);
    const tags =
      random() < 0.3 ? [pick(random, logTags), "transactional"] : [pick(random, logTags)];
    const provider = random() < 0.75 ? "sendgrid" : "postmark";
    const providerMessageId =
      status === "failed" ? null : createHash("md5").update(id).digest("base64url").slice(0, 22);
    const recipients = Array.from(
      { length: options.recipientsPerMessage },
      (_, n) => `user${Math.floor(random() * 500_000)}.${n}@example.com`,
    );
    const to = recipients.map((email) => ({ email }));
    const metadata = { userId: String(Math.floor(random() * 500_000)) };
    const subject = `Your ${tags[0]} notification #${index}`;
    const envelope = JSON.stringify({ from: { email: from, name: "Acme" }, to, tags, metadata });
    const payload = JSON.stringify({
      id,
      from: { email: from, name: "Acme" },
      to,
      cc: [],
      bcc: [],
      replyTo: [],
      subject,
      text: body,
      attachments: [],
      headers: {},
      tags,
      metadata,
    });
    const sentAt = createdAt + 40 + Math.floor(random() * 200);
    const lastAt = sentAt + 1000 + Math.floor(random() * 60_000);
    const error =
      status === "failed"
        ? JSON.stringify({
            class: "permanent",
            reason: "invalid_request",
            message: "The from address does not match a verified Sender Identity",
            statusCode: 403,
          })
        : null;
    statements.message.run(
      id,
      status,
      from,
      subject,
      envelope,
      payload,
      provider,
      providerMessageId,
      JSON.stringify({ route: "default", plan: ["sendgrid", "postmark"], skipped: [] }),
      error,
      createdAt,
      lastAt,
    );
    statements.attempt.run(
      timeOrderedId("att", sentAt, random),
      id,
      `job_${id.slice(4)}`,
      provider,
      status === "failed" ? "permanent" : "accepted",
      sentAt,
      20 + Math.floor(random() * 200),
      providerMessageId,
      error,
    );
    for (const tag of tags) {
      statements.tag.run(id, tag);
    }
    const tagsJson = JSON.stringify(tags);
    const metadataJson = JSON.stringify(metadata);
    for (const recipient of recipients) {
      const last = status === "failed" ? "failed" : lastEventOf(status, random);
      statements.recipient.run(id, recipient, last === "queued" ? "sent" : last, lastAt);
      const mailroute = (type: string, at: number) =>
        statements.event.run(
          timeOrderedId("evt", at, random),
          id,
          "mailroute",
          "mailroute",
          type === "sent" ? providerMessageId : null,
          null,
          null,
          type,
          null,
          recipient,
          at,
          at,
          null,
          null,
          null,
          tagsJson,
          metadataJson,
          null,
        );
      mailroute("queued", createdAt);
      if (status === "failed") {
        mailroute("deferred", sentAt);
        mailroute("failed", lastAt);
        continue;
      }
      mailroute("sent", sentAt);
      const eventId = `${providerMessageId}-${recipient}`;
      statements.event.run(
        timeOrderedId("evt", lastAt, random),
        id,
        provider,
        provider,
        providerMessageId,
        eventId,
        eventId,
        last,
        last === "bounced" ? "hard" : null,
        recipient,
        lastAt,
        lastAt + 500,
        last === "bounced" ? "550 5.1.1 The email account does not exist." : "250 2.0.0 OK",
        last === "bounced" ? 550 : 250,
        last === "bounced" ? "5.1.1" : "2.0.0",
        tagsJson,
        metadataJson,
        JSON.stringify({ email: recipient, event: last, timestamp: Math.floor(lastAt / 1000) }),
      );
    }
    if (options.collect && providerMessageId) {
      collected.push({ id, providerMessageId, recipients, tags });
    }
  };
  const batch = 10_000;
  for (let first = 0; first < options.messages; first += batch) {
    const last = Math.min(options.messages, first + batch);
    sqlite.transaction(() => {
      for (let index = first; index < last; index += 1) {
        writeOne(index);
      }
    })();
    options.onProgress?.(last);
  }
  return collected;
}

/** A hash of the migrations, so a cached log is regenerated when the schema changes. */
function schemaHash(): string {
  const hash = createHash("sha256").update("message-log v1");
  for (const name of readdirSync(migrationsFolder).sort()) {
    if (name.endsWith(".sql")) {
      hash.update(name).update(readFileSync(join(migrationsFolder, name)));
    }
  }
  return hash.digest("hex").slice(0, 12);
}

/**
 * The path of a SQLite file holding `messages` messages (1 recipient, 3 events each) over the
 * last 30 days, with the project's schema; generated once into `cacheDir` and reused.
 */
export function cachedMessageLog(
  cacheDir: string,
  messages: number,
): { path: string; generatedMs: number | null } {
  const path = join(cacheDir, `message-log-${messages}-${schemaHash()}.db`);
  if (existsSync(path)) {
    return { path, generatedMs: null };
  }
  mkdirSync(cacheDir, { recursive: true });
  const building = `${path}.building`;
  for (const suffix of ["", "-wal", "-shm"]) {
    rmSync(`${building}${suffix}`, { force: true });
  }
  const started = performance.now();
  const { sqlite } = openDatabase({ path: building, synchronous: "normal" });
  sqlite.pragma("synchronous = OFF");
  sqlite.pragma("cache_size = -262144");
  // Building the secondary indexes once at the end is faster than keeping them up to date.
  const indexes = sqlite
    .prepare("select name, sql from sqlite_master where type = 'index' and sql is not null")
    .all() as { name: string; sql: string }[];
  for (const index of indexes) {
    sqlite.exec(`drop index "${index.name}"`);
  }
  const dayMs = 24 * 60 * 60 * 1000;
  let reported = 0;
  writeMessageLog(sqlite, {
    messages,
    recipientsPerMessage: 1,
    endAt: Date.now(),
    spanMs: 30 * dayMs,
    onProgress(done) {
      if (done - reported >= 100_000 || done === messages) {
        reported = done;
        process.stdout.write(`\r  generating the message log: ${done.toLocaleString("en-US")}`);
      }
    },
  });
  for (const index of indexes) {
    sqlite.exec(index.sql);
  }
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();
  renameSync(building, path);
  rmSync(`${building}-wal`, { force: true });
  rmSync(`${building}-shm`, { force: true });
  const generatedMs = performance.now() - started;
  process.stdout.write(`  (${(generatedMs / 1000).toFixed(1)} s)\n`);
  return { path, generatedMs };
}
