import { createFakeProvider } from "@mailroute/core/testing";
import { describe, expect, it, vi } from "vitest";
import { closeAppsAfterEach, createGatedStore, storedCounts, validBody } from "../../test-support";

const setup = closeAppsAfterEach();

describe("POST /v1/messages", () => {
  it("answers 202 queued only once the message and its job are stored", async () => {
    const app = await setup();
    const response = await app.send(validBody);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { id: string; status: string };
    expect(body.status).toBe("queued");
    expect(body.id).toMatch(/^msg_[0-9a-z]{24}$/);
    expect((await app.store.getMessage(body.id))?.status).toBe("queued");
    expect(await app.store.countPendingJobs()).toBe(1);
  });

  it("refuses a missing or wrong API key with 401", async () => {
    const app = await setup();
    const missing = await app.app.request("/v1/messages", {
      method: "POST",
      body: JSON.stringify(validBody),
    });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    const wrong = await app.send(validBody, { authorization: "Bearer mr_not-a-real-key" });
    expect(wrong.status).toBe(401);
    expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
  });

  it("accepts MAILROUTE_API_KEY as an admin key", async () => {
    const app = await setup({
      providers: [createFakeProvider("primary")],
      adminKey: "admin-key-0123456789",
    });
    const response = await app.send(validBody, { authorization: "Bearer admin-key-0123456789" });
    expect(response.status).toBe(202);
  });

  const badBodies: [string, unknown, string[]][] = [
    ["missing from and to", { subject: "s", text: "t" }, ["from", "to"]],
    ["an invalid address", { ...validBody, to: ["ok@example.com", "not-an-address"] }, ["to[1]"]],
    ["an empty recipient list", { ...validBody, to: [] }, ["to"]],
    [
      "CR/LF in a header",
      { ...validBody, headers: { "X-Note": "a\r\nBcc: victim@example.com" } },
      ["headers.X-Note"],
    ],
    ["a reserved header", { ...validBody, headers: { From: "ceo@acme.test" } }, ["headers.From"]],
    ["an unknown top-level field", { ...validBody, priority: "high" }, ["priority"]],
    [
      "a non-string metadata value",
      { ...validBody, metadata: { userId: 42 } },
      ["metadata.userId"],
    ],
    [
      "a non-base64 attachment",
      { ...validBody, attachments: [{ filename: "a.pdf", content: "%%%" }] },
      ["attachments[0].content"],
    ],
    ["a bad sendAt", { ...validBody, sendAt: "next tuesday" }, ["sendAt"]],
    ["no body at all", { from: validBody.from, to: validBody.to, subject: "s" }, ["text"]],
  ];

  for (const [name, body, paths] of badBodies) {
    it(`answers 400 with field details for ${name}, storing nothing`, async () => {
      const app = await setup();
      const response = await app.send(body);
      expect(response.status).toBe(400);
      const error = (
        (await response.json()) as {
          error: { code: string; details: { path: string }[]; requestId: string };
        }
      ).error;
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.requestId).toMatch(/^req_/);
      expect(error.details.map((detail) => detail.path)).toEqual(expect.arrayContaining(paths));
      expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
    });
  }

  it("names the address and the reason when one of `to` (one address or a list) is refused", async () => {
    const app = await setup();
    const cases: [unknown, string][] = [
      ["<a@b.com> <c@d.com>", "to"],
      [["ok@example.com", "<a@b.com> <c@d.com>"], "to[1]"],
      [{ email: "c@d.com", name: "<a@b.com>" }, "to"],
    ];
    for (const [to, path] of cases) {
      const response = await app.send({ ...validBody, to });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as {
        error: { details: { path: string; message: string }[] };
      };
      expect(error.details, JSON.stringify(to)).toEqual([
        { path, message: expect.stringContaining("without control characters, < or >") },
      ]);
    }
    expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
  });

  it("answers 400 INVALID_JSON for malformed JSON", async () => {
    const app = await setup();
    const response = await app.app.request("/v1/messages", {
      method: "POST",
      headers: app.headers,
      body: '{"from": ',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "INVALID_JSON",
    );
    expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
  });

  it("answers 415 for a body that is not JSON", async () => {
    const app = await setup();
    const response = await app.app.request("/v1/messages", {
      method: "POST",
      headers: { authorization: app.headers.authorization, "content-type": "text/plain" },
      body: "hello",
    });
    expect(response.status).toBe(415);
  });

  it("answers 413 above the body limit, storing nothing", async () => {
    const app = await setup({ providers: [createFakeProvider("primary")], bodyLimitBytes: 4096 });
    const response = await app.send({ ...validBody, text: "x".repeat(5000) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "PAYLOAD_TOO_LARGE",
    );
    expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
  });

  it("answers 413 from a declared Content-Length alone, before reading the body", async () => {
    const app = await setup({ providers: [createFakeProvider("primary")], bodyLimitBytes: 4096 });
    const response = await app.app.request("/v1/messages", {
      method: "POST",
      headers: { ...app.headers, "content-length": "5000" },
      body: JSON.stringify(validBody),
    });
    expect(response.status).toBe(413);
    expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
  });

  it("echoes a plain X-Request-Id and replaces one that is not", async () => {
    const app = await setup();
    const kept = await app.send({}, { "x-request-id": "checkout-42_a=" });
    expect(kept.headers.get("x-request-id")).toBe("checkout-42_a=");
    expect(((await kept.json()) as { error: { requestId: string } }).error.requestId).toBe(
      "checkout-42_a=",
    );
    const replaced = await app.send(validBody, { "x-request-id": "bad id\u0007" });
    expect(replaced.status).toBe(202);
    expect(replaced.headers.get("x-request-id")).toMatch(/^req_[0-9a-z]{24}$/);
  });
});

describe("POST /v1/messages with sendAt", () => {
  const hours = (count: number) => new Date(Date.now() + count * 60 * 60 * 1000).toISOString();

  it("answers scheduled for a sendAt ahead and leaves it to the dispatcher until then", async () => {
    const primary = createFakeProvider("primary");
    const app = await setup({ providers: [primary] });
    const response = await app.send({ ...validBody, sendAt: hours(2) });
    expect(response.status).toBe(202);
    const { id, status } = (await response.json()) as { id: string; status: string };
    expect(status).toBe("scheduled");
    await app.dispatcher.drain();
    expect(primary.calls).toHaveLength(0);
    expect(await app.store.getMessage(id)).toMatchObject({ status: "scheduled" });
    const listed = (await (await app.get("/v1/messages?status=scheduled")).json()) as {
      data: { id: string }[];
    };
    expect(listed.data.map((message) => message.id)).toEqual([id]);
  });

  it("sends a sendAt in the past at once, as queued", async () => {
    const primary = createFakeProvider("primary");
    const app = await setup({ providers: [primary] });
    const response = await app.send({ ...validBody, sendAt: "2020-01-01T00:00:00Z" });
    const { id, status } = (await response.json()) as { id: string; status: string };
    expect(status).toBe("queued");
    await app.dispatcher.drain();
    expect(primary.calls).toHaveLength(1);
    expect((await app.store.getMessage(id))?.status).toBe("sent");
  });

  it("refuses a sendAt past the horizon with 400 on sendAt, storing nothing; simulate too", async () => {
    const app = await setup({ providers: [createFakeProvider("primary")], sendAtHorizonDays: 7 });
    expect((await app.send({ ...validBody, sendAt: hours(7 * 24 - 1) })).status).toBe(202);
    const before = await storedCounts(app);
    for (const path of ["/v1/messages", "/v1/routes/simulate"]) {
      const response = await app.app.request(path, {
        method: "POST",
        headers: app.headers,
        body: JSON.stringify({ ...validBody, sendAt: hours(7 * 24 + 1) }),
      });
      expect(response.status, path).toBe(400);
      const { error } = (await response.json()) as {
        error: { code: string; details: { path: string; message: string }[] };
      };
      expect(error.code).toBe("VALIDATION_ERROR");
      expect(error.details).toEqual([
        { path: "sendAt", message: expect.stringMatching(/^must be at most 7 days ahead/) },
      ]);
    }
    expect(await storedCounts(app)).toEqual(before);
  });

  it("cancels a scheduled message: cancelled status, events on the timeline and in the feed", async () => {
    const primary = createFakeProvider("primary");
    const app = await setup({ providers: [primary] });
    const { id } = (await (await app.send({ ...validBody, sendAt: hours(1) })).json()) as {
      id: string;
    };
    const cancel = () =>
      app.app.request(`/v1/messages/${id}/cancel`, { method: "POST", headers: app.headers });
    const first = await cancel();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ id, status: "cancelled" });
    expect((await cancel()).status).toBe(409);
    const detail = (await (await app.get(`/v1/messages/${id}`)).json()) as {
      status: string;
      recipients: { status: string }[];
      events: { type: string }[];
    };
    expect(detail.status).toBe("cancelled");
    expect(detail.recipients.map((recipient) => recipient.status)).toEqual(["cancelled"]);
    expect(detail.events.map((event) => event.type)).toEqual(["queued", "cancelled"]);
    const feed = (await (await app.get("/v1/events?type=cancelled")).json()) as {
      data: { messageId: string }[];
    };
    expect(feed.data.map((event) => event.messageId)).toEqual([id]);
    expect(await app.store.countPendingJobs()).toBe(0);
    await app.dispatcher.drain();
    expect(primary.calls).toHaveLength(0);
  });
});

describe("POST /v1/messages with Idempotency-Key", () => {
  it("replays the first response for the same key and body", async () => {
    const app = await setup();
    const first = await app.send(validBody, { "idempotency-key": "order-42" });
    const second = await app.send(validBody, { "idempotency-key": "order-42" });
    expect(second.status).toBe(202);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(await first.json());
    expect(await storedCounts(app)).toEqual({ messages: 1, jobs: 1 });
  });

  it("answers 422 when the key comes back with another body", async () => {
    const app = await setup();
    await app.send(validBody, { "idempotency-key": "order-42" });
    const response = await app.send(
      { ...validBody, subject: "different" },
      { "idempotency-key": "order-42" },
    );
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "IDEMPOTENCY_KEY_REUSED",
    );
    expect(await storedCounts(app)).toEqual({ messages: 1, jobs: 1 });
  });

  it("answers 409 to a concurrent request with the same key", async () => {
    const { store, entered, open } = await createGatedStore("acceptMessage");
    const app = await setup({ providers: [createFakeProvider("primary")], store });
    const first = app.send(validBody, { "idempotency-key": "k" });
    await vi.waitFor(() => expect(entered()).toBe(1));
    const second = await app.send(validBody, { "idempotency-key": "k" });
    expect(second.status).toBe(409);
    open();
    expect((await first).status).toBe(202);
    expect(await storedCounts(app)).toEqual({ messages: 1, jobs: 1 });
  });

  it("refuses a key longer than 256 characters", async () => {
    const app = await setup();
    const response = await app.send(validBody, { "idempotency-key": "k".repeat(257) });
    expect(response.status).toBe(400);
    expect(await storedCounts(app)).toEqual({ messages: 0, jobs: 0 });
  });
});
