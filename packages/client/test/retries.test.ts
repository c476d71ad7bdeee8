import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Mailroute, MailrouteError } from "../src/index";
import { type ProxyAction, startFaultyProxy } from "./support/http-fixtures";
import { adminKey, type RunningMailroute, startMailroute } from "./support/mailroute-server";

const from = "Acme <noreply@acme.test>";

describe("retries against a real mailroute behind a faulty proxy", () => {
  let server: RunningMailroute;
  let proxy: Awaited<ReturnType<typeof startFaultyProxy>> | undefined;
  let admin: Mailroute;

  beforeAll(async () => {
    server = await startMailroute();
    admin = new Mailroute({ baseUrl: server.url, apiKey: adminKey });
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(() => server.close());

  /** A client through a proxy that applies `actions` to the first requests, then forwards. */
  async function clientBehind(actions: ProxyAction[], retry = { baseDelayMs: 0 }) {
    proxy = await startFaultyProxy(server.url, ({ index }) => actions[index] ?? "forward");
    return new Mailroute({ baseUrl: proxy.url, apiKey: adminKey, retry });
  }

  it("resends a send whose answer was lost with the same key, and the message exists once", async () => {
    const mr = await clientBehind(["drop"]);
    const accepted = await mr.messages.send({
      from,
      to: "once@example.com",
      subject: "Lost answer",
      text: "x",
      tags: ["lost-answer"],
    });
    const [first, second] = proxy?.exchanges ?? [];
    // mailroute committed the first request; its answer never reached the client.
    expect(first?.upstream?.status).toBe(202);
    expect(first?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
    // The retry was answered from the first request: same message, marked as a replay.
    expect(second?.upstream?.headers.get("idempotent-replayed")).toBe("true");
    expect(JSON.parse(second?.upstream?.body ?? "{}")).toEqual(
      JSON.parse(first?.upstream?.body ?? ""),
    );
    expect(accepted.id).toBe(JSON.parse(first?.upstream?.body ?? "{}").id);
    const stored = await admin.messages.list({ tag: "lost-answer" });
    expect(stored.data.map((message) => message.id)).toEqual([accepted.id]);
  });

  it("retries a batch the same way, keeping the caller's own key", async () => {
    const mr = await clientBehind(["drop", "drop"]);
    const answer = await mr.messages.sendBatch(
      {
        messages: [
          { from, to: "b@example.com", subject: "Batch", text: "b", tags: ["lost-batch"] },
        ],
      },
      { idempotencyKey: "order-42-receipts" },
    );
    expect(proxy?.exchanges.map((exchange) => exchange.idempotencyKey)).toEqual([
      "order-42-receipts",
      "order-42-receipts",
      "order-42-receipts",
    ]);
    expect(proxy?.exchanges[2]?.upstream?.headers.get("idempotent-replayed")).toBe("true");
    const stored = await admin.messages.list({ tag: "lost-batch" });
    expect(stored.data.map((message) => message.id)).toEqual([
      answer.data[0] && "id" in answer.data[0] ? answer.data[0].id : "",
    ]);
  });

  it("waits what a 429's Retry-After asks before retrying", async () => {
    const mr = await clientBehind([{ status: 429, headers: { "retry-after": "1" } }]);
    const started = Date.now();
    const accepted = await mr.messages.send({
      from,
      to: "r@example.com",
      subject: "Later",
      text: "r",
    });
    // The backoff is 0 ms here: only the Retry-After can have made it wait.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(proxy?.exchanges).toHaveLength(2);
    expect((await admin.messages.get(accepted.id)).subject).toBe("Later");
  });

  it("retries 5xx answers and gives up after maxRetries with the last error", async () => {
    const unavailable = {
      status: 503,
      headers: { "content-type": "application/json", "x-request-id": "proxy-req-1" },
      body: JSON.stringify({
        error: { code: "UNAVAILABLE", message: "down for a moment", details: [] },
      }),
    };
    const mr = await clientBehind([unavailable, unavailable, unavailable], { baseDelayMs: 0 });
    const recovered = await mr.messages.send({
      from,
      to: "u@example.com",
      subject: "Up",
      text: "u",
    });
    expect(proxy?.exchanges).toHaveLength(4);
    expect(recovered.status).toBe("queued");

    await proxy?.close();
    const failing = await clientBehind(Array(10).fill(unavailable), { baseDelayMs: 0 });
    const error = await failing.providers.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailrouteError);
    expect(error).toMatchObject({ status: 503, code: "UNAVAILABLE", requestId: "proxy-req-1" });
    expect(proxy?.exchanges).toHaveLength(4);
  });

  it("does not retry a call without an idempotency key, such as adding a suppression", async () => {
    const mr = await clientBehind([{ status: 502 }]);
    await expect(mr.suppressions.add({ email: "x@example.com" })).rejects.toMatchObject({
      status: 502,
      code: "HTTP_502",
    });
    expect(proxy?.exchanges).toHaveLength(1);
  });

  it("gives up on an answer that does not come within timeoutMs, and retries a GET", async () => {
    proxy = await startFaultyProxy(server.url, ({ index }) => (index === 0 ? "hang" : "forward"));
    const mr = new Mailroute({
      baseUrl: proxy.url,
      apiKey: adminKey,
      timeoutMs: 300,
      retry: { baseDelayMs: 0 },
    });
    expect((await mr.providers.list()).data).toHaveLength(1);
    expect(proxy.exchanges).toHaveLength(2);

    await proxy.close();
    proxy = await startFaultyProxy(server.url, () => "hang");
    const once = new Mailroute({
      baseUrl: proxy.url,
      apiKey: adminKey,
      timeoutMs: 300,
      retry: { maxRetries: 0 },
    });
    await expect(once.providers.list()).rejects.toMatchObject({ status: 0, code: "TIMEOUT" });
    expect(proxy.exchanges).toHaveLength(1);
  });

  it("reports an unreachable server as a NETWORK_ERROR after its retries", async () => {
    const mr = new Mailroute({
      baseUrl: "http://127.0.0.1:9",
      apiKey: adminKey,
      retry: { maxRetries: 1, baseDelayMs: 0 },
    });
    await expect(mr.providers.list()).rejects.toMatchObject({ status: 0, code: "NETWORK_ERROR" });
  });
});
