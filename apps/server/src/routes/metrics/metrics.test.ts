import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createFakeProvider } from "@mailroute/core/testing";
import { createCaptureWebhook } from "@mailroute/provider-capture";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, describe, expect, it } from "vitest";
import { closeAppsAfterEach, type TestApp, validBody } from "../../test-support";

const setup = closeAppsAfterEach();

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) {
    await close();
  }
});

/** What @hono/node-server passes as the app's env: the request's socket. */
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

async function scrape(app: TestApp) {
  const response = await app.app.request("/metrics", {}, from("127.0.0.1"));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const families = parsePrometheusTextFormat(text);
  /** The value of one sample of `name` whose labels include `labels`; undefined when absent. */
  const value = (name: string, labels: Record<string, string> = {}) => {
    const family = families.find((candidate) => candidate.name === name);
    const sample = family?.metrics.find((metric) =>
      Object.entries(labels).every(([key, expected]) => metric.labels?.[key] === expected),
    );
    return sample?.value === undefined ? undefined : Number(sample.value);
  };
  /**
   * One series of a histogram, read from the text itself: the parser (1.1.1) drops the labels of
   * a labelled histogram and merges its series, so it cannot tell one provider's from another's.
   */
  const histogram = (name: string, labels: string) => {
    const sample = (suffix: string) => {
      const line = text.split("\n").find((candidate) => candidate.startsWith(`${name}_${suffix}`));
      return line === undefined ? undefined : Number(line.split(" ").pop());
    };
    return {
      count: sample(`count{${labels}}`),
      inf: sample(`bucket{le="+Inf",${labels}}`),
    };
  };
  return { families, value, histogram };
}

describe("GET /metrics after a failover", () => {
  it("counts attempts by provider and outcome, accepted and finished messages, and shows the open breaker as 2", async () => {
    const primary = createFakeProvider("primary");
    primary.fallback = {
      outcome: "retryable",
      reason: "provider_unavailable",
      message: "503 Service Unavailable",
      statusCode: 503,
    };
    const backup = createFakeProvider("backup");
    const app = await setup({ providers: [primary, backup] });
    const singles = 8;
    for (let index = 0; index < singles; index += 1) {
      expect((await app.send(validBody)).status).toBe(202);
      await app.dispatcher.drain();
    }
    // A batch counts each message it stores; a replayed key counts nothing.
    const batch = await app.app.request("/v1/messages/batch", {
      method: "POST",
      headers: { ...app.headers, "idempotency-key": "batch-1" },
      body: JSON.stringify({ messages: [validBody, validBody, { to: "not valid" }] }),
    });
    expect(batch.status).toBe(200);
    const again = await app.app.request("/v1/messages/batch", {
      method: "POST",
      headers: { ...app.headers, "idempotency-key": "batch-1" },
      body: JSON.stringify({ messages: [validBody, validBody, { to: "not valid" }] }),
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    await app.dispatcher.drain();

    const attempts = await app.store.listMessages({ limit: 100 });
    expect(attempts.data).toHaveLength(10);
    // The breaker opened after volumeThreshold (5) failures; later messages skip the primary.
    expect(primary.calls).toHaveLength(5);
    expect(app.breakers.state("primary")).toBe("open");

    const metrics = await scrape(app);
    expect(metrics.value("mailroute_messages_accepted_total")).toBe(10);
    expect(metrics.value("mailroute_messages_finished_total", { status: "sent" })).toBe(10);
    expect(metrics.value("mailroute_messages_finished_total", { status: "failed" })).toBe(
      undefined,
    );
    expect(
      metrics.value("mailroute_provider_attempts_total", {
        provider: "primary",
        outcome: "retryable",
      }),
    ).toBe(5);
    expect(
      metrics.value("mailroute_provider_attempts_total", {
        provider: "backup",
        outcome: "accepted",
      }),
    ).toBe(10);
    expect(
      metrics.value("mailroute_provider_attempts_total", {
        provider: "primary",
        outcome: "accepted",
      }),
    ).toBe(undefined);
    expect(metrics.value("mailroute_provider_breaker_state", { provider: "primary" })).toBe(2);
    expect(metrics.value("mailroute_provider_breaker_state", { provider: "backup" })).toBe(0);
    const latency = (provider: string) =>
      metrics.histogram("mailroute_provider_attempt_duration_seconds", `provider="${provider}"`);
    expect(latency("backup")).toEqual({ count: 10, inf: 10 });
    expect(latency("primary")).toEqual({ count: 5, inf: 5 });
    expect(metrics.value("mailroute_dispatch_queue_depth")).toBe(0);
    expect(metrics.value("mailroute_dispatch_oldest_due_seconds")).toBe(0);
  });

  it("counts a cancelled message as finished, and reads the queue from the store", async () => {
    let now = Date.parse("2030-01-01T00:00:00Z");
    const app = await setup({ providers: [createFakeProvider("primary")], clock: () => now });
    const sendAt = new Date(Date.now() + 60_000).toISOString();
    const scheduled = (await (await app.send({ ...validBody, sendAt })).json()) as { id: string };
    await app.send(validBody);
    const before = await scrape(app);
    expect(before.value("mailroute_dispatch_queue_depth")).toBe(2);
    // The metrics clock is 2030: the queued message has been due for years, the scheduled one too.
    expect(before.value("mailroute_dispatch_oldest_due_seconds")).toBeGreaterThan(86_400);
    now = Date.now() - 3_600_000;
    expect((await scrape(app)).value("mailroute_dispatch_oldest_due_seconds")).toBe(0);
    const cancel = await app.app.request(`/v1/messages/${scheduled.id}/cancel`, {
      method: "POST",
      headers: app.headers,
    });
    expect(cancel.status).toBe(200);
    const after = await scrape(app);
    expect(after.value("mailroute_dispatch_queue_depth")).toBe(1);
    expect(after.value("mailroute_messages_finished_total", { status: "cancelled" })).toBe(1);
  });

  it("counts provider webhook events by type and refusals by reason", async () => {
    const secret = "capture-webhook-secret-01";
    const app = await setup({
      providers: [createFakeProvider("primary")],
      inboundWebhookEndpoints: new Map([
        [
          "primary",
          { name: "primary", type: "capture", webhook: createCaptureWebhook({ secret }) },
        ],
      ]),
    });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    const post = (authorization: string, body: unknown, name = "primary") =>
      app.app.request(`/webhooks/${name}`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const occurredAt = new Date(Date.now() + 1000).toISOString();
    const event = (eventId: string, type: string) => ({
      id: eventId,
      messageId: id,
      recipient: "user@example.com",
      type,
      occurredAt,
    });
    const stored = await post(`Bearer ${secret}`, {
      events: [event("e1", "delivered"), event("e2", "opened"), event("e3", "opened")],
    });
    expect(stored.status).toBe(200);
    expect((await post("Bearer not-the-secret-000000", { events: [] })).status).toBe(401);
    expect((await post(`Bearer ${secret}`, { events: "nope" })).status).toBe(400);
    expect((await post(`Bearer ${secret}`, { events: [] }, "nobody")).status).toBe(404);
    const metrics = await scrape(app);
    const events = (type: string) =>
      metrics.value("mailroute_webhook_events_total", { provider: "primary", type });
    expect([events("delivered"), events("opened")]).toEqual([1, 2]);
    const rejected = (reason: string) =>
      metrics.value("mailroute_webhook_rejected_total", { provider: "primary", reason });
    expect([rejected("verification_failed"), rejected("invalid_payload")]).toEqual([1, 1]);
    // An unknown provider name never becomes a label.
    expect(metrics.value("mailroute_webhook_rejected_total", { provider: "nobody" })).toBe(
      undefined,
    );
  });

  it("counts outbound deliveries by outcome and the backlog from the outbox", async () => {
    const statuses = [500];
    const server: Server = createServer((request, response) => {
      request.resume();
      request.on("end", () => response.writeHead(statuses.shift() ?? 200).end("ok"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const app = await setup();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const created = await app.app.request("/v1/webhook-endpoints", {
      method: "POST",
      headers: app.headers,
      body: JSON.stringify({ url, eventTypes: ["sent"] }),
    });
    expect(created.status).toBe(201);
    await app.send(validBody);
    await app.dispatcher.drain();
    await app.store.fanOutEvents(100, new Date());
    expect((await scrape(app)).value("mailroute_outbound_backlog")).toBe(1);
    await app.outboundWorker.drain();
    await app.outboundWorker.drain();
    const metrics = await scrape(app);
    expect(metrics.value("mailroute_outbound_backlog")).toBe(0);
    expect(metrics.value("mailroute_outbound_deliveries_total", { outcome: "retry" })).toBe(1);
    expect(metrics.value("mailroute_outbound_deliveries_total", { outcome: "delivered" })).toBe(1);
  });

  it("adds the default process metrics when asked (the server does)", async () => {
    const app = await setup({ providers: [createFakeProvider("primary")], processMetrics: true });
    const names = (await scrape(app)).families.map((family) => family.name);
    expect(names).toEqual(
      expect.arrayContaining(["process_cpu_user_seconds_total", "nodejs_eventloop_lag_seconds"]),
    );
  });
});

describe("the Grafana dashboard in docs/", () => {
  it("queries only metrics mailroute exposes", async () => {
    const dashboard = readFileSync(
      new URL("../../../../../docs/grafana-dashboard.json", import.meta.url),
      "utf8",
    );
    const queried = new Set(
      [...dashboard.matchAll(/mailroute_[a-z_]+/g)].map(([name]) => name.replace(/_bucket$/, "")),
    );
    const app = await setup();
    const exposed = new Set((await scrape(app)).families.map((family) => family.name));
    expect(queried.size).toBe(11);
    expect([...queried].filter((name) => !exposed.has(name))).toEqual([]);
  });
});

describe("who may read /metrics", () => {
  it("answers loopback peers only when no token is configured, never a proxied request", async () => {
    const app = await setup();
    const status = async (env: unknown, headers: Record<string, string> = {}) =>
      (await app.app.request("/metrics", { headers }, env)).status;
    expect(await status(from("127.0.0.1"))).toBe(200);
    expect(await status(from("::1"))).toBe(200);
    expect(await status(from("::ffff:127.0.0.1"))).toBe(200);
    expect(await status(from("10.0.0.7"))).toBe(403);
    expect(await status(from("192.0.2.1"))).toBe(403);
    // No socket at all (not served by node-server): not known to be local.
    expect(await status(undefined)).toBe(403);
    expect(await status(from("127.0.0.1"), { "x-forwarded-for": "203.0.113.9" })).toBe(403);
    expect(await status(from("127.0.0.1"), { forwarded: "for=203.0.113.9" })).toBe(403);
    const refused = await app.app.request("/metrics", {}, from("10.0.0.7"));
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    // An API key is not what /metrics takes.
    expect(await status(from("10.0.0.7"), { authorization: app.headers.authorization })).toBe(403);
  });

  it("requires the bearer token when metrics.token is configured, from any address", async () => {
    const token = "scrape-token-0123456789";
    const app = await setup({ providers: [createFakeProvider("primary")], metricsToken: token });
    const status = async (address: string, authorization?: string) =>
      (
        await app.app.request(
          "/metrics",
          { headers: authorization ? { authorization } : {} },
          from(address),
        )
      ).status;
    expect(await status("127.0.0.1")).toBe(401);
    expect(await status("127.0.0.1", "Bearer wrong-token-0123456789")).toBe(401);
    expect(await status("127.0.0.1", token)).toBe(401);
    expect(await status("127.0.0.1", app.headers.authorization)).toBe(401);
    expect(await status("203.0.113.9", `Bearer ${token}`)).toBe(200);
    expect(await status("127.0.0.1", `Bearer ${token}`)).toBe(200);
  });
});
