import { createFakeProvider } from "@mailroute/core/testing";
import { createCaptureProvider } from "@mailroute/provider-capture";
import { createTestStore } from "@mailroute/store/testing";
import { describe, expect, it, vi } from "vitest";
import {
  closeAppsAfterEach,
  createGatedStore,
  openServerTestStore,
  storedCounts,
  type TestApp,
  validBody,
} from "../../test-support";

type ItemResult =
  | { index: number; id: string; status: string }
  | { index: number; error: { code: string; message: string; details: unknown[] } };

const setup = closeAppsAfterEach();

function postBatch(app: TestApp, body: unknown, extra: Record<string, string> = {}) {
  return app.app.request("/v1/messages/batch", {
    method: "POST",
    headers: { ...app.headers, ...extra },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function dataOf(response: Response): Promise<ItemResult[]> {
  return ((await response.json()) as { data: ItemResult[] }).data;
}

const hoursAhead = (count: number) => new Date(Date.now() + count * 3_600_000).toISOString();
const numbered = (count: number, tag = "batch") =>
  Array.from({ length: count }, (_, index) => ({
    ...validBody,
    to: `user${index}@example.com`,
    tags: [tag],
  }));

describe("POST /v1/messages/batch", () => {
  it("answers each item in request order: stored ids, or the error a single send answers", async () => {
    const app = await setup();
    const items: unknown[] = [
      validBody,
      { ...validBody, to: [] },
      { ...validBody, sendAt: hoursAhead(2) },
      { ...validBody, sendAt: hoursAhead(24 * 365) },
      { from: validBody.from, to: validBody.to, template: { id: "welcome" } },
      "not a message",
      { ...validBody, subject: "last" },
    ];
    const response = await postBatch(app, { messages: items });
    expect(response.status).toBe(200);
    const data = await dataOf(response);
    expect(data.map((item) => item.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(data.map((item) => ("id" in item ? item.status : item.error.code))).toEqual([
      "queued",
      "VALIDATION_ERROR",
      "scheduled",
      "VALIDATION_ERROR",
      expect.any(String),
      "VALIDATION_ERROR",
      "queued",
    ]);
    // Each invalid item carries exactly what POST /v1/messages answers for it alone, whether
    // the schema or the prepare step (sendAt horizon, templates…) refused it.
    const single = await setup();
    // The horizon in a sendAt error is counted from each request's own clock.
    const withoutTimes = (error: unknown) =>
      JSON.parse(JSON.stringify(error).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>"));
    for (const item of data) {
      if ("error" in item) {
        const alone = (await (await single.send(items[item.index])).json()) as {
          error: { requestId: string };
        };
        const { requestId: _, ...expected } = alone.error;
        expect(withoutTimes(item.error), `item ${item.index}`).toEqual(withoutTimes(expected));
      }
    }
    expect(await storedCounts(single)).toEqual({ messages: 0, jobs: 0 });
    const stored = data.filter((item) => "id" in item);
    for (const item of stored) {
      expect((await app.store.getMessage(item.id))?.status).toBe(item.status);
    }
    expect(await storedCounts(app)).toEqual({ messages: 3, jobs: 3 });
    expect((await app.store.getMessage(stored[2]!.id))?.subject).toBe("last");
  });

  const badEnvelopes: [string, unknown, string[]][] = [
    ["no items", { messages: [] }, ["messages"]],
    ["501 items", { messages: numbered(501) }, ["messages"]],
    ["a list instead of an envelope", numbered(2), ["(body)"]],
    ["messages that is not a list", { messages: validBody }, ["messages"]],
    ["no messages field", { items: [validBody] }, ["messages", "items"]],
    ["an unknown field beside messages", { messages: [validBody], dryRun: true }, ["dryRun"]],
  ];
  for (const [name, body, paths] of badEnvelopes) {
    it(`answers 400 with field details for ${name}, storing nothing`, async () => {
      const app = await setup();
      const response = await postBatch(app, body);
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as {
        error: { code: string; details: { path: string }[] };
      };
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.details.map((detail) => detail.path).sort()).toEqual([...paths].sort());
      expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
    });
  }

  it("answers 400 INVALID_JSON, 415 and 413 like the single send, storing nothing", async () => {
    const app = await setup({ providers: [createFakeProvider("primary")], bodyLimitBytes: 4096 });
    expect((await postBatch(app, '{"messages": [')).status).toBe(400);
    const notJson = await postBatch(app, "{}", { "content-type": "text/plain" });
    expect(notJson.status).toBe(415);
    const large = await postBatch(app, { messages: numbered(50) });
    expect(large.status).toBe(413);
    expect(((await large.json()) as { error: { code: string } }).error.code).toBe(
      "PAYLOAD_TOO_LARGE",
    );
    expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
  });

  it("accepts 500 items in one request", async () => {
    const app = await setup();
    const data = await dataOf(await postBatch(app, { messages: numbered(500) }));
    expect(data.filter((item) => "id" in item)).toHaveLength(500);
    expect(new Set(data.map((item) => ("id" in item ? item.id : ""))).size).toBe(500);
    expect(await app.store.countPendingJobs()).toBe(500);
  });

  it("answers 200 with every item's error when none is valid, storing no message", async () => {
    const app = await setup();
    const body = { messages: [{ ...validBody, to: [] }, {}] };
    const response = await postBatch(app, body, { "idempotency-key": "all-bad" });
    expect(response.status).toBe(200);
    const data = await dataOf(response);
    expect(data.map((item) => "error" in item && item.error.code)).toEqual([
      "VALIDATION_ERROR",
      "VALIDATION_ERROR",
    ]);
    expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
    // Like any batch's, that answer is kept under its key.
    const again = await postBatch(app, body, { "idempotency-key": "all-bad" });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await dataOf(again)).toEqual(data);
    const other = await postBatch(app, { messages: [validBody] }, { "idempotency-key": "all-bad" });
    expect(other.status).toBe(422);
    expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
  });

  it("dispatches every accepted item: each one ends in a capture", async () => {
    const store = await openServerTestStore();
    const capture = createCaptureProvider({ name: "capture" }, { mailbox: store });
    const app = await setup({ providers: [capture], store });
    const items: unknown[] = [...numbered(20), { ...validBody, from: "nobody" }];
    const data = await dataOf(await postBatch(app, { messages: items }));
    const ids = data.flatMap((item) => ("id" in item ? [item.id] : []));
    expect(ids).toHaveLength(20);
    while ((await app.dispatcher.drain()) > 0) {}
    const captures = await store.listCaptures({ limit: 100 });
    expect(captures.data.map((entry) => entry.messageId).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      expect((await store.getMessage(id))?.status).toBe("sent");
    }
  });
});

describe("POST /v1/messages/batch with Idempotency-Key", () => {
  const body = {
    messages: [validBody, { ...validBody, to: "bad" }, { ...validBody, tags: ["b"] }],
  };

  it("replays the stored answer for the same key and body, storing nothing more", async () => {
    const app = await setup();
    const first = await postBatch(app, body, { "idempotency-key": "batch-42" });
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    // The same request written differently: the valid items' fields in another order, and
    // other whitespace (the key's digest covers each valid item as validated).
    const reordered = JSON.stringify(
      {
        messages: body.messages.map((item) =>
          item.to === "bad" ? item : Object.fromEntries(Object.entries(item).reverse()),
        ),
      },
      null,
      2,
    );
    const second = await postBatch(app, reordered, { "idempotency-key": "batch-42" });
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(await first.json());
    expect(await storedCounts(app)).toEqual({ messages: 2, jobs: 2 });
  });

  it("answers 422 when the key comes back with another body, or names a single send", async () => {
    const app = await setup();
    await postBatch(app, body, { "idempotency-key": "batch-42" });
    const changed = await postBatch(
      app,
      { messages: [...body.messages, validBody] },
      { "idempotency-key": "batch-42" },
    );
    expect(changed.status).toBe(422);
    expect(((await changed.json()) as { error: { code: string } }).error.code).toBe(
      "IDEMPOTENCY_KEY_REUSED",
    );
    const single = await app.send(validBody, { "idempotency-key": "batch-42" });
    expect(single.status).toBe(422);
    expect(await storedCounts(app)).toEqual({ messages: 2, jobs: 2 });
  });

  it("answers 409 to a batch or a single send with the key of a batch still being stored", async () => {
    const { store, entered, open } = await createGatedStore("acceptMessages");
    const app = await setup({ providers: [createFakeProvider("primary")], store });
    const first = postBatch(app, body, { "idempotency-key": "k" });
    await vi.waitFor(() => expect(entered()).toBe(1));
    expect((await postBatch(app, body, { "idempotency-key": "k" })).status).toBe(409);
    expect((await app.send(validBody, { "idempotency-key": "k" })).status).toBe(409);
    open();
    expect((await first).status).toBe(200);
    expect(await storedCounts(app)).toEqual({ messages: 2, jobs: 2 });
  });

  it("keeps none of the batch, nor its key, when the store fails on one item's insert", async () => {
    const store = await openServerTestStore();
    let failNext = true;
    const failingStore = {
      ...store,
      // The real store, asked to insert the first message again after the third: its insert
      // fails on the primary key with three messages of the batch already written.
      acceptMessages: (input: Parameters<typeof store.acceptMessages>[0]) => {
        const messages = input.messages;
        const first = messages[0];
        const failing =
          failNext && first ? [...messages.slice(0, 3), first, ...messages.slice(3)] : messages;
        failNext = false;
        return store.acceptMessages({ ...input, messages: failing });
      },
    };
    const app = await setup({ providers: [createFakeProvider("primary")], store: failingStore });
    await app.send(validBody);
    const before = await storedCounts(app);
    const batch = { messages: numbered(6) };
    const failed = await postBatch(app, batch, { "idempotency-key": "retry-me" });
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe(
      "INTERNAL_ERROR",
    );
    expect(await storedCounts(app)).toEqual(before);
    expect((await store.listMessages({ limit: 100, tag: "batch" })).data).toEqual([]);
    // The key was not kept either: the retry is stored, not replayed.
    const retry = await postBatch(app, batch, { "idempotency-key": "retry-me" });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(await storedCounts(app)).toEqual({
      messages: before.messages + 6,
      jobs: before.jobs + 6,
    });
  });
});

describe("messages.sendBatch", () => {
  it("wakes the dispatcher once per batch, and not for a batch of scheduled messages", async () => {
    // Counts the app's own wake-ups, so on SQLite: a PostgreSQL store also wakes the dispatcher
    // when its commit's NOTIFY comes back, at a moment of its own.
    const app = await setup({
      providers: [createFakeProvider("primary")],
      store: createTestStore(),
    });
    const wakes = vi.spyOn(app.dispatcher, "notify");
    await postBatch(app, { messages: numbered(10) });
    expect(wakes).toHaveBeenCalledTimes(1);
    const later = numbered(3).map((item) => ({ ...item, sendAt: hoursAhead(1) }));
    await postBatch(app, { messages: later });
    expect(wakes).toHaveBeenCalledTimes(1);
    expect(await app.store.countPendingJobs()).toBe(13);
  });
});
