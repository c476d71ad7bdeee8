import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AcceptMessageInput, type EmailMessage, newId } from "@mailroute/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./open-database";
import { createSqliteStore, type SqliteStore } from "./sqlite-store";
import { claimAndStartAttempt, closeStoresAfterEach } from "./testing";

const track = closeStoresAfterEach();

function message(overrides: Partial<EmailMessage> = {}, at = Date.now()): EmailMessage {
  return {
    id: newId("msg", at),
    from: { email: "Sender@Acme.test", name: "Acme" },
    to: [{ email: "User@Example.com" }],
    cc: [{ email: "cc@example.com" }],
    bcc: [{ email: "user@example.com" }],
    replyTo: [],
    subject: "Hello",
    text: "Hi",
    attachments: [{ filename: "a.txt", content: "aGVsbG8=" }],
    headers: {},
    tags: ["welcome"],
    metadata: { tenant: "acme" },
    ...overrides,
  };
}

function accept(store: SqliteStore, value: EmailMessage, extra: Partial<AcceptMessageInput> = {}) {
  const at = new Date();
  return store.acceptMessage({
    message: value,
    acceptedAt: at,
    runAt: at,
    response: { status: 202, body: { id: value.id, status: "queued" } },
    ...extra,
  });
}

/** A message whose worker "w1" claimed it and started an attempt at "capture", then died. */
async function attemptLeftInFlight(store: SqliteStore) {
  const value = message();
  await accept(store, value);
  const now = new Date();
  const { job, attemptId } = await claimAndStartAttempt(store, {
    owner: "w1",
    provider: "capture",
    now,
  });
  return { value, now, attemptId, job };
}

describe("SQLite store: accept", () => {
  it("stores the message, de-duplicated recipients, queued events and a job in one go", async () => {
    const store = track();
    const value = message();
    expect(await accept(store, value)).toEqual({ kind: "accepted" });
    const detail = await store.getMessage(value.id);
    expect(detail?.status).toBe("queued");
    expect(detail?.recipients).toEqual([
      { email: "user@example.com", status: "queued" },
      { email: "cc@example.com", status: "queued" },
    ]);
    expect(detail?.events.map((event) => [event.type, event.recipient])).toEqual([
      ["queued", "user@example.com"],
      ["queued", "cc@example.com"],
    ]);
    expect(detail?.attachments).toEqual([
      { filename: "a.txt", contentType: null, contentId: null, size: 5 },
    ]);
    expect(await store.countPendingJobs()).toBe(1);
  });

  it("replays the first response for the same key and body, and refuses another body", async () => {
    const store = track();
    const idempotency = {
      scope: "key_1",
      key: "k-1",
      requestHash: "h1",
      expiresAt: new Date(Date.now() + 60_000),
    };
    const first = message();
    expect(await accept(store, first, { idempotency })).toEqual({ kind: "accepted" });
    expect(await accept(store, message(), { idempotency })).toEqual({
      kind: "replay",
      response: { status: 202, body: { id: first.id, status: "queued" } },
    });
    expect(
      await accept(store, message(), { idempotency: { ...idempotency, requestHash: "h2" } }),
    ).toEqual({ kind: "key_reused" });
    expect(
      await accept(store, message(), { idempotency: { ...idempotency, scope: "key_2" } }),
    ).toEqual({ kind: "accepted" });
    expect((await store.listMessages({ limit: 10 })).data).toHaveLength(2);
  });

  it("treats an expired key as new", async () => {
    const store = track();
    const idempotency = {
      scope: "s",
      key: "k",
      requestHash: "h",
      expiresAt: new Date(Date.now() - 1),
    };
    await accept(store, message(), { idempotency });
    expect(
      await accept(store, message(), { idempotency: { ...idempotency, requestHash: "other" } }),
    ).toEqual({ kind: "accepted" });
  });

  it("writes nothing when the transaction fails half-way", async () => {
    const store = track();
    const value = message();
    await accept(store, value);
    // Same id again: the message insert fails, and nothing of the second accept may remain.
    await expect(accept(store, { ...value, tags: ["other"] })).rejects.toThrow();
    expect(await store.countPendingJobs()).toBe(1);
    expect((await store.listMessages({ limit: 10, tag: "other" })).data).toEqual([]);
  });
});

describe("SQLite store: accept a batch", () => {
  const idempotency = {
    scope: "key_1",
    key: "batch-1",
    requestHash: "h1",
    expiresAt: new Date(Date.now() + 60_000),
  };
  function acceptAll(
    store: SqliteStore,
    values: EmailMessage[],
    extra: Partial<Parameters<SqliteStore["acceptMessages"]>[0]> = {},
  ) {
    const at = new Date();
    return store.acceptMessages({
      messages: values.map((value) => ({ message: value, runAt: at })),
      acceptedAt: at,
      response: { status: 200, body: { data: values.map((value) => value.id) } },
      ...extra,
    });
  }

  it("stores every message as a single accept would, under one key and response", async () => {
    const store = track();
    const values = [
      message(),
      message({ tags: ["b"] }),
      message({ sendAt: "2099-01-01T00:00:00Z" }),
    ];
    const at = new Date();
    expect(
      await store.acceptMessages({
        messages: values.map((value) => ({
          message: value,
          runAt: value.sendAt ? new Date(value.sendAt) : at,
        })),
        acceptedAt: at,
        response: { status: 200, body: { data: "first" } },
        idempotency,
      }),
    ).toEqual({ kind: "accepted" });
    const details = await Promise.all(values.map((value) => store.getMessage(value.id)));
    expect(details.map((detail) => detail?.status)).toEqual(["queued", "queued", "scheduled"]);
    expect(details[1]?.recipients).toHaveLength(2);
    expect(details[1]?.events.map((event) => event.type)).toEqual(["queued", "queued"]);
    expect((await store.listMessages({ limit: 10, tag: "b" })).data).toHaveLength(1);
    expect(await store.countPendingJobs()).toBe(3);
    // The key holds the batch's answer, for a batch or a single accept with the same key.
    expect(await acceptAll(store, [message()], { idempotency })).toEqual({
      kind: "replay",
      response: { status: 200, body: { data: "first" } },
    });
    expect(
      await accept(store, message(), { idempotency: { ...idempotency, requestHash: "h2" } }),
    ).toEqual({ kind: "key_reused" });
    expect((await store.listMessages({ limit: 10 })).data).toHaveLength(3);
  });

  it("keeps the key and the answer of a batch that holds no message", async () => {
    const store = track();
    expect(await acceptAll(store, [], { idempotency })).toEqual({ kind: "accepted" });
    expect(await acceptAll(store, [message()], { idempotency })).toMatchObject({ kind: "replay" });
    expect((await store.listMessages({ limit: 10 })).data).toEqual([]);
  });

  it("keeps none of the batch, nor its key, when one message fails half-way", async () => {
    const store = track();
    const taken = message();
    await accept(store, taken);
    // The third message reuses a stored id: its insert fails after two messages were written.
    const batch = [message({ tags: ["batch"] }), message({ tags: ["batch"] }), taken];
    await expect(acceptAll(store, batch, { idempotency })).rejects.toThrow(/UNIQUE/);
    expect((await store.listMessages({ limit: 10, tag: "batch" })).data).toEqual([]);
    expect(await store.countPendingJobs()).toBe(1);
    expect(await acceptAll(store, batch.slice(0, 2), { idempotency })).toEqual({
      kind: "accepted",
    });
    expect((await store.listMessages({ limit: 10, tag: "batch" })).data).toHaveLength(2);
  });

  it("undoes a failing batch alone when it shares a group commit with other writes", async () => {
    const store = track();
    const taken = message();
    await accept(store, taken);
    const single = message({ tags: ["single"] });
    const good = [message({ tags: ["good"] }), message({ tags: ["good"] })];
    const outcomes = await Promise.allSettled([
      accept(store, single),
      acceptAll(store, [message({ tags: ["bad"] }), taken]),
      acceptAll(store, good),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    const count = async (tag: string) => (await store.listMessages({ limit: 10, tag })).data.length;
    expect([await count("single"), await count("bad"), await count("good")]).toEqual([1, 0, 2]);
  });
});

describe("SQLite store: dispatch", () => {
  it("leases a job to one worker until the lease expires", async () => {
    const store = track();
    await accept(store, message());
    const now = new Date();
    expect(await store.claimJobs({ owner: "w1", limit: 10, leaseMs: 1000, now })).toHaveLength(1);
    expect(await store.claimJobs({ owner: "w2", limit: 10, leaseMs: 1000, now })).toHaveLength(0);
    const later = new Date(now.getTime() + 1001);
    expect(
      await store.claimJobs({ owner: "w2", limit: 10, leaseMs: 1000, now: later }),
    ).toHaveLength(1);
  });

  it("does not claim a job before its run time", async () => {
    const store = track();
    const value = message();
    const at = new Date();
    await store.acceptMessage({
      message: value,
      acceptedAt: at,
      runAt: new Date(at.getTime() + 60_000),
      response: { status: 202, body: {} },
    });
    expect(await store.claimJobs({ owner: "w", limit: 10, leaseMs: 1000, now: at })).toHaveLength(
      0,
    );
  });

  it("still reports an interrupted attempt when the worker that found it dies too", async () => {
    const store = track();
    const { now, attemptId } = await attemptLeftInFlight(store);
    const later = (ms: number) => new Date(now.getTime() + ms);
    // w2 finds the attempt interrupted, then dies before writing anything else.
    const [second] = await store.claimJobs({
      owner: "w2",
      limit: 1,
      leaseMs: 1000,
      now: later(2000),
    });
    expect(second?.interruptedAttempts).toEqual([{ id: attemptId, provider: "capture" }]);
    const [third] = await store.claimJobs({
      owner: "w3",
      limit: 1,
      leaseMs: 1000,
      now: later(4000),
    });
    expect(third?.interruptedAttempts).toEqual([{ id: attemptId, provider: "capture" }]);
  });

  it("marks attempts a dead worker left in flight as interrupted when the job is claimed again", async () => {
    const store = track();
    const { value, now, attemptId, job } = await attemptLeftInFlight(store);
    expect((await store.getMessage(value.id))?.status).toBe("sending");
    const [again] = await store.claimJobs({
      owner: "w2",
      limit: 1,
      leaseMs: 1000,
      now: new Date(now.getTime() + 2000),
    });
    expect(again?.interruptedAttempts).toEqual([{ id: attemptId, provider: "capture" }]);
    const attempt = (await store.getMessage(value.id))?.attempts[0];
    expect(attempt).toMatchObject({
      outcome: "ambiguous",
      error: { reason: "interrupted", code: "INTERRUPTED" },
    });
    // The first worker lost its lease: it may not start another attempt.
    await expect(
      store.startAttempt({
        messageId: value.id,
        jobId: job.jobId,
        owner: "w1",
        provider: "capture",
        startedAt: now,
        leaseUntil: now,
      }),
    ).rejects.toThrow(/lease/);
  });

  it("lists attempts started in the same millisecond in the order they started", async () => {
    const store = track();
    const value = message();
    await accept(store, value);
    const now = new Date();
    const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now });
    const providers = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"];
    for (const provider of providers) {
      // Every attempt starts in the same millisecond: the order comes from the tie-break.
      await store.startAttempt({
        messageId: value.id,
        jobId: job!.jobId,
        owner: "w",
        provider,
        startedAt: now,
        leaseUntil: new Date(now.getTime() + 1000),
      });
    }
    const detail = await store.getMessage(value.id);
    expect(detail?.attempts.map((attempt) => attempt.provider)).toEqual(providers);
  });

  it("completes a message: status, recipients, sent events, job removed", async () => {
    const store = track();
    const value = message();
    await accept(store, value);
    const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now: new Date() });
    await store.completeMessage({
      jobId: job!.jobId,
      messageId: value.id,
      status: "sent",
      provider: "primary",
      providerType: "sendgrid",
      providerMessageId: "sg-1",
      possibleDuplicate: false,
      at: new Date(),
    });
    const detail = await store.getMessage(value.id);
    expect(detail).toMatchObject({
      status: "sent",
      provider: "primary",
      providerMessageId: "sg-1",
    });
    expect(detail?.recipients.every((recipient) => recipient.status === "sent")).toBe(true);
    expect(
      detail?.events.filter((event) => event.type === "sent").map((event) => event.providerType),
    ).toEqual(["sendgrid", "sendgrid"]);
    expect(await store.countPendingJobs()).toBe(0);
  });

  it("puts a message back in the queue with its error and duplicate flag", async () => {
    const store = track();
    const value = message();
    await accept(store, value);
    const now = new Date();
    const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now });
    const error = { class: "retryable" as const, reason: "network", message: "refused" };
    await store.retryLater({
      jobId: job!.jobId,
      messageId: value.id,
      runAt: new Date(now.getTime() + 5000),
      possibleDuplicate: true,
      error,
    });
    expect(await store.getMessage(value.id)).toMatchObject({
      status: "queued",
      possibleDuplicate: true,
      error,
    });
    expect(await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now })).toHaveLength(0);
    const [again] = await store.claimJobs({
      owner: "w",
      limit: 1,
      leaseMs: 1000,
      now: new Date(now.getTime() + 5001),
    });
    expect(again).toMatchObject({ rounds: 1, possibleDuplicate: true });
  });
});

describe("SQLite store: the log", () => {
  it("filters and pages without skipping or repeating", async () => {
    const store = track();
    const base = Date.parse("2026-01-01T00:00:00Z");
    const ids: string[] = [];
    for (let index = 0; index < 25; index += 1) {
      const value = message(
        {
          tags: index % 2 === 0 ? ["even"] : ["odd"],
          to: [{ email: `u${index}@example.com` }],
          cc: [],
          bcc: [],
        },
        base + index * 1000,
      );
      ids.push(value.id);
      await store.acceptMessage({
        message: value,
        acceptedAt: new Date(base + index * 1000),
        runAt: new Date(),
        response: { status: 202, body: {} },
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listMessages({ limit: 7, cursor });
      seen.push(...page.data.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await store.listMessages({ limit: 50, tag: "even" })).data).toHaveLength(13);
    expect(
      (await store.listMessages({ limit: 50, to: "U3@example.com" })).data.map((item) => item.id),
    ).toEqual([ids[3]]);
    expect((await store.listMessages({ limit: 50, from: "sender@acme.test" })).data).toHaveLength(
      25,
    );
    const window = await store.listMessages({
      limit: 50,
      since: new Date(base + 5000),
      until: new Date(base + 8000),
    });
    expect(window.data.map((item) => item.id)).toEqual([ids[7], ids[6], ids[5]]);
    expect((await store.listMessages({ limit: 50, ids: [ids[1]!, ids[2]!] })).data).toHaveLength(2);
    expect((await store.listMessages({ limit: 50, status: ["sent"] })).data).toHaveLength(0);
    await expect(store.listMessages({ limit: 5, cursor: "garbage" })).rejects.toThrow(/cursor/);
  });
});

describe("SQLite store: captures and keys", () => {
  it("keeps one capture per message and counts repeated requests", async () => {
    const store = track();
    const value = message();
    const first = await store.saveCapture({
      messageId: value.id,
      provider: "capture",
      message: value,
      at: new Date(),
    });
    const second = await store.saveCapture({
      messageId: value.id,
      provider: "capture",
      message: value,
      at: new Date(),
    });
    expect(first.replayed).toBe(false);
    expect(second).toEqual({ id: first.id, replayed: true });
    const page = await store.listCaptures({ limit: 10 });
    expect(page.data).toHaveLength(1);
    expect(page.data[0]).toMatchObject({ messageId: value.id, requests: 2 });
  });

  it("finds keys by hash only", async () => {
    const store = track();
    await store.insertApiKey({
      id: "key_1",
      name: "n",
      prefix: "mr_abc",
      hash: "h".repeat(64),
      scopes: ["send"],
      createdAt: new Date(),
      lastUsedAt: null,
    });
    expect(await store.countApiKeys()).toBe(1);
    expect(await store.findApiKeyByHash("h".repeat(64))).toMatchObject({
      id: "key_1",
      scopes: ["send"],
    });
    expect(await store.findApiKeyByHash("x".repeat(64))).toBeNull();
  });

  it("lists active keys newest first, records their last use and revokes them", async () => {
    const store = track();
    for (const [index, id] of ["key_a", "key_b", "key_c"].entries()) {
      await store.insertApiKey({
        id,
        name: id,
        prefix: `mr_${index}`,
        hash: String(index).repeat(64),
        scopes: ["read"],
        createdAt: new Date(1_000 + index),
        lastUsedAt: null,
      });
    }
    const first = await store.listApiKeys({ limit: 2 });
    expect(first.data.map((key) => key.id)).toEqual(["key_c", "key_b"]);
    const second = await store.listApiKeys({ limit: 2, cursor: first.nextCursor ?? "" });
    expect(second).toEqual({ data: [expect.objectContaining({ id: "key_a" })], nextCursor: null });
    await store.touchApiKeys([{ id: "key_a", at: new Date(5_000) }]);
    // An older time never moves it back.
    await store.touchApiKeys([{ id: "key_a", at: new Date(4_000) }]);
    expect((await store.findApiKeyByHash("0".repeat(64)))?.lastUsedAt).toEqual(new Date(5_000));
    expect(await store.revokeApiKey("key_a", new Date())).toBe(true);
    expect(await store.revokeApiKey("key_a", new Date())).toBe(false);
    expect(await store.findApiKeyByHash("0".repeat(64))).toBeNull();
    expect((await store.listApiKeys({ limit: 10 })).data.map((key) => key.id)).toEqual([
      "key_c",
      "key_b",
    ]);
  });
});

describe("SQLite store: the file", () => {
  it("runs in WAL mode, fsyncs writes for `full`, and keeps data across reopen", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "mailroute-")), "nested", "m.db");
    const store = createSqliteStore({ path });
    const value = message();
    await accept(store, value);
    await store.close();
    const raw = new Database(path);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(openDatabase({ path }).sync).toBeTypeOf("function");
    expect(openDatabase({ path, synchronous: "normal" }).sync).toBeUndefined();
    expect(openDatabase({ path: ":memory:" }).sync).toBeUndefined();
    raw.close();
    const reopened = createSqliteStore({ path });
    track(reopened);
    expect((await reopened.getMessage(value.id))?.id).toBe(value.id);
  });
});
