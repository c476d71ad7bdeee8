import { type AcceptMessageInput, type EmailMessage, newId } from "@mailroute/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createPostgresTestStore, openTestStore } from "../testing";
import { createPostgresStore, type PostgresStore } from "./postgres-store";
import { createTestDatabase } from "./test-database";

// Each test creates databases and several connection pools on a real server.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function testStore(): Promise<PostgresStore> {
  const store = await createPostgresTestStore();
  cleanups.push(() => store.close());
  return store;
}

/** Several stores (instances) on one fresh database; the database is dropped after the test. */
async function instances(count: number): Promise<PostgresStore[]> {
  const database = await createTestDatabase();
  cleanups.push(database.drop);
  const stores: PostgresStore[] = [];
  for (let index = 0; index < count; index += 1) {
    const store = await createPostgresStore({ url: database.url, migrate: false, poolSize: 4 });
    cleanups.push(() => store.close());
    stores.push(store);
  }
  return stores;
}

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    id: newId("msg"),
    from: { email: "Sender@Acme.test", name: "Acme" },
    to: [{ email: "User@Example.com" }, { email: "second@example.com" }],
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

function acceptInput(value: EmailMessage, extra: Partial<AcceptMessageInput> = {}) {
  const at = new Date();
  return {
    message: value,
    acceptedAt: at,
    runAt: at,
    response: { status: 202, body: { id: value.id, status: "queued" } },
    ...extra,
  };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("PostgreSQL store: accept", () => {
  it("stores the message, recipients in the message's order, queued events in the feed, and a job", async () => {
    const store = await testStore();
    expect(store.kind).toBe("postgres");
    const value = message();
    expect(await store.acceptMessage(acceptInput(value))).toEqual({ kind: "accepted" });
    const detail = await store.getMessage(value.id);
    expect(detail?.status).toBe("queued");
    expect(detail?.recipients).toEqual([
      { email: "user@example.com", status: "queued" },
      { email: "second@example.com", status: "queued" },
      { email: "cc@example.com", status: "queued" },
    ]);
    expect(detail?.attachments).toEqual([
      { filename: "a.txt", contentType: null, contentId: null, size: 5 },
    ]);
    // Answered after the ordering step: the events are in the feed at once.
    const page = await store.listEvents({ limit: 10 });
    expect(page.data.map((event) => [event.type, event.recipient])).toEqual([
      ["queued", "user@example.com"],
      ["queued", "second@example.com"],
      ["queued", "cc@example.com"],
    ]);
    expect(await store.countPendingJobs()).toBe(1);
    const listed = await store.listMessages({ limit: 10, tag: "welcome", to: "cc@example.com" });
    expect(listed.data.map((summary) => summary.id)).toEqual([value.id]);
  });

  it("answers concurrent accepts with one key as if they came one after the other", async () => {
    const [a, b] = await instances(2);
    if (!a || !b) {
      throw new Error("no stores");
    }
    const idempotency = {
      scope: "key_1",
      key: "k-1",
      requestHash: "h1",
      expiresAt: new Date(Date.now() + 60_000),
    };
    const first = message();
    const second = message();
    const outcomes = await Promise.all([
      a.acceptMessage(acceptInput(first, { idempotency })),
      b.acceptMessage(acceptInput(second, { idempotency })),
      a.acceptMessage(
        acceptInput(message(), { idempotency: { ...idempotency, requestHash: "h2" } }),
      ),
    ]);
    const kinds = outcomes.map((outcome) => outcome.kind).sort();
    expect(kinds).toEqual(["accepted", "key_reused", "replay"]);
    expect(await a.countPendingJobs()).toBe(1);
  });

  it("fails one accept of a group commit alone and commits the others", async () => {
    const store = await testStore();
    const taken = message();
    await store.acceptMessage(acceptInput(taken));
    const others = Array.from({ length: 20 }, () => message());
    const results = await Promise.allSettled([
      ...others.slice(0, 10).map((value) => store.acceptMessage(acceptInput(value))),
      // The same id again: a unique violation inside the shared transaction.
      store.acceptMessage(acceptInput(taken)),
      ...others.slice(10).map((value) => store.acceptMessage(acceptInput(value))),
    ]);
    expect(results.filter((result) => result.status === "rejected")).toHaveLength(1);
    expect(results[10]?.status).toBe("rejected");
    expect(await store.countPendingJobs()).toBe(21);
    const events = await store.listEvents({ limit: 500 });
    expect(events.data).toHaveLength(21 * 3);
  });
});

describe("PostgreSQL store: dispatch across instances", () => {
  it("gives each due job to one instance when several claim at once (skip locked)", async () => {
    const stores = await instances(3);
    const [first] = stores;
    if (!first) {
      throw new Error("no stores");
    }
    await Promise.all(
      Array.from({ length: 30 }, () => first.acceptMessage(acceptInput(message()))),
    );
    const now = new Date(Date.now() + 1000);
    const claims = await Promise.all(
      stores.flatMap((store, index) =>
        [0, 1].map((round) =>
          store.claimJobs({ owner: `w${index}-${round}`, limit: 8, leaseMs: 30_000, now }),
        ),
      ),
    );
    const ids = claims.flat().map((job) => job.jobId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(30);
  });

  it("lets another instance take a job whose lease a killed instance left, marking its attempt interrupted", async () => {
    const [a, b] = await instances(2);
    if (!a || !b) {
      throw new Error("no stores");
    }
    const value = message();
    await a.acceptMessage(acceptInput(value));
    const now = new Date(Date.now() + 10);
    const [job] = await a.claimJobs({ owner: "a", limit: 1, leaseMs: 1000, now });
    if (!job) {
      throw new Error("not claimed");
    }
    const attemptId = await a.startAttempt({
      messageId: value.id,
      jobId: job.jobId,
      owner: "a",
      provider: "capture",
      startedAt: now,
      leaseUntil: new Date(now.getTime() + 1000),
    });
    // Instance a dies here. While its lease runs, nobody else takes the job.
    expect(await b.claimJobs({ owner: "b", limit: 1, leaseMs: 1000, now })).toEqual([]);
    const later = new Date(now.getTime() + 1001);
    const [again] = await b.claimJobs({ owner: "b", limit: 1, leaseMs: 1000, now: later });
    expect(again?.jobId).toBe(job.jobId);
    expect(again?.interruptedAttempts).toEqual([{ id: attemptId, provider: "capture" }]);
    expect(again?.acceptedAttempt).toBeNull();
    // The dead instance's late write finds its lease lost.
    await expect(
      a.startAttempt({
        messageId: value.id,
        jobId: job.jobId,
        owner: "a",
        provider: "capture",
        startedAt: later,
        leaseUntil: new Date(later.getTime() + 1000),
      }),
    ).rejects.toThrow(/lease on job .* was lost/);
    const detail = await b.getMessage(value.id);
    expect(detail?.attempts.map((attempt) => [attempt.outcome, attempt.error?.code])).toEqual([
      ["ambiguous", "INTERRUPTED"],
    ]);
  });

  it("completes a message: sent events in the feed, job removed", async () => {
    const store = await testStore();
    const value = message();
    await store.acceptMessage(acceptInput(value));
    const [job] = await store.claimJobs({ owner: "w", limit: 1, leaseMs: 1000, now: new Date() });
    if (!job) {
      throw new Error("not claimed");
    }
    await store.completeMessage({
      jobId: job.jobId,
      owner: "w",
      messageId: value.id,
      status: "sent",
      provider: "capture",
      providerType: "capture",
      providerMessageId: "p-1",
      possibleDuplicate: false,
      at: new Date(),
    });
    const detail = await store.getMessage(value.id);
    expect(detail?.status).toBe("sent");
    expect(detail?.possibleDuplicate).toBe(false);
    expect(await store.countPendingJobs()).toBe(0);
    const feed = await store.listEvents({ limit: 100, types: ["sent"] });
    expect(feed.data.map((event) => event.recipient)).toEqual([
      "user@example.com",
      "second@example.com",
      "cc@example.com",
    ]);
  });
});

describe("PostgreSQL store: the event feed with concurrent writers", () => {
  it("is gap-free and in commit order: a polling reader sees every event exactly once", async () => {
    const stores = await instances(3);
    const reader = stores[0];
    if (!reader) {
      throw new Error("no stores");
    }
    const perWriter = 40;
    const writers = stores.flatMap((store) =>
      [0, 1, 2, 3].map(async () => {
        for (let index = 0; index < perWriter; index += 1) {
          // Mixed writers: group-committed accepts, and batch accepts in their own transactions.
          if (index % 4 === 0) {
            await store.acceptMessages({
              messages: [{ message: message({ cc: [], bcc: [] }), runAt: new Date() }],
              acceptedAt: new Date(),
              response: { status: 202, body: {} },
            });
          } else {
            await store.acceptMessage(acceptInput(message({ cc: [], bcc: [] })));
          }
        }
      }),
    );
    const expected = stores.length * 4 * perWriter * 2;
    const seen: string[] = [];
    const seqs: number[] = [];
    let cursor: string | undefined;
    let done = false;
    const all = Promise.all(writers).then(() => {
      done = true;
    });
    // The reader polls while the writers write; afterwards it drains what is left.
    while (!done || seen.length < expected) {
      const page = await reader.listEvents({ limit: 37, ...(cursor ? { after: cursor } : {}) });
      for (const event of page.data) {
        seen.push(event.id);
      }
      cursor = page.nextCursor ?? cursor;
      const [seq] = JSON.parse(
        Buffer.from(cursor ?? "", "base64url").toString() || "[0]",
      ) as number[];
      seqs.push(seq ?? 0);
      if (page.data.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (done && seen.length > expected) {
        break;
      }
    }
    await all;
    expect(seen).toHaveLength(expected);
    expect(new Set(seen).size).toBe(expected);
    // The numbers are 1..n without a gap, in the order the reader met them.
    const rows = await reader.pool.query<{ seq: number; id: string }>(
      "select seq, id from delivery_events order by seq",
    );
    expect(rows.rows.map((row) => row.seq)).toEqual(
      Array.from({ length: expected }, (_, index) => index + 1),
    );
    expect(rows.rows.map((row) => row.id)).toEqual(seen);
  });

  it("numbers events an instance committed but died before numbering (the timer of another)", async () => {
    const [a] = await instances(1);
    if (!a) {
      throw new Error("no stores");
    }
    // Rows as a killed instance leaves them: committed, unnumbered.
    await a.pool.query(
      `insert into delivery_events (id, provider, provider_type, type, occurred_at, received_at, tags, metadata)
       values ('evt_orphan', 'mailroute', 'mailroute', 'queued', 1, 1, '[]', '{}')`,
    );
    await waitFor(async () => (await a.listEvents({ limit: 5 })).data.length === 1, "numbering");
    expect((await a.listEvents({ limit: 5 })).data[0]?.id).toBe("evt_orphan");
  });
});

describe("PostgreSQL store: wake-ups", () => {
  it("tells every instance when a job is due and when events entered the feed, and survives a dropped LISTEN connection", async () => {
    const [a, b] = await instances(2);
    if (!a || !b) {
      throw new Error("no stores");
    }
    const heard: string[] = [];
    const stop = b.watch((topic) => heard.push(topic));
    await waitFor(
      async () =>
        (
          await b.pool.query(
            "select 1 from pg_stat_activity where application_name = 'mailroute listen' and datname = current_database()",
          )
        ).rowCount === 1,
      "the LISTEN connection",
    );
    await a.acceptMessage(acceptInput(message()));
    await waitFor(() => heard.includes("dispatch") && heard.includes("outbound"), "wake-ups");
    // A scheduled message makes no job due now: no dispatch wake-up for it.
    heard.length = 0;
    const later = new Date(Date.now() + 3_600_000);
    await a.acceptMessage(acceptInput(message({ sendAt: later.toISOString() }), { runAt: later }));
    await waitFor(() => heard.includes("outbound"), "the outbound wake-up");
    expect(heard).not.toContain("dispatch");

    // The server drops the LISTEN connection; the store reconnects and hears again.
    await a.pool.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'mailroute listen' and datname = current_database()",
    );
    await waitFor(
      async () =>
        (
          await b.pool.query(
            "select 1 from pg_stat_activity where application_name = 'mailroute listen' and datname = current_database()",
          )
        ).rowCount === 1,
      "the LISTEN connection back",
    );
    heard.length = 0;
    await a.acceptMessage(acceptInput(message()));
    await waitFor(() => heard.includes("dispatch"), "a wake-up after the reconnect");
    stop();
    heard.length = 0;
    await a.acceptMessage(acceptInput(message()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toEqual([]);
  });
});

describe("openTestStore", () => {
  it("opens a fresh PostgreSQL store when MAILROUTE_TEST_STORE is postgres, SQLite otherwise", async () => {
    vi.stubEnv("MAILROUTE_TEST_STORE", "postgres");
    try {
      const store = await openTestStore();
      cleanups.push(() => store.close());
      expect((store as { kind?: string }).kind).toBe("postgres");
    } finally {
      vi.unstubAllEnvs();
    }
    vi.stubEnv("MAILROUTE_TEST_STORE", "");
    try {
      const sqlite = await openTestStore();
      cleanups.push(() => sqlite.close());
      expect((sqlite as { kind?: string }).kind).toBe("sqlite");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
