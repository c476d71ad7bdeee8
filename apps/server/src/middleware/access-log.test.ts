import { createFakeProvider } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger";
import { closeAppsAfterEach, validBody } from "../test-support";

const setup = closeAppsAfterEach();

/** A logger that keeps each line it writes, parsed, as the server's own logger would write it. */
function capturedLogger() {
  const raw: string[] = [];
  const logger = createLogger(
    { level: "info", format: "json" },
    { write: (line: string) => void raw.push(line) },
  );
  const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, raw, lines };
}

describe("access and attempt logs", () => {
  it("writes one access line per request with the route's pattern and no query string", async () => {
    const { logger, raw, lines } = capturedLogger();
    const app = await setup({ providers: [createFakeProvider("primary")], logger });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    raw.length = 0;
    const response = await app.app.request(`/v1/messages/${id}?token=hunter2`, {
      headers: { ...app.headers, "x-request-id": "req-from-the-caller" },
    });
    expect(response.status).toBe(200);
    await app.app.request("/v1/messages/msg_unknown", { headers: app.headers });
    const requests = lines().filter((line) => line.msg === "request");
    expect(requests).toHaveLength(2);
    const [first, second] = requests;
    expect(first).toEqual({
      level: 30,
      time: expect.any(Number),
      pid: expect.any(Number),
      hostname: expect.any(String),
      msg: "request",
      requestId: "req-from-the-caller",
      method: "GET",
      route: "/v1/messages/:id",
      status: 200,
      durationMs: expect.any(Number),
    });
    expect(second).toMatchObject({ route: "/v1/messages/:id", status: 404 });
    const text = raw.join("");
    expect(text).not.toContain("hunter2");
    expect(JSON.stringify(requests)).not.toMatch(/msg_|token/);
    expect(text).not.toMatch(/authorization|bearer/i);
  });

  it("names no route when none matched", async () => {
    const { logger, lines } = capturedLogger();
    const app = await setup({ providers: [createFakeProvider("primary")], logger });
    await app.app.request("/v1/nothing-here", { headers: app.headers });
    expect(lines().find((line) => line.msg === "request")).toMatchObject({
      route: null,
      status: 404,
    });
  });

  it("writes one line per provider attempt: message, provider, outcome and time", async () => {
    const { logger, lines } = capturedLogger();
    const failing = createFakeProvider("flaky");
    failing.script({ outcome: "retryable", reason: "provider_unavailable", message: "down" });
    const app = await setup({
      providers: [failing, createFakeProvider("primary")],
      routes: [{ name: "default", providers: ["flaky", "primary"] }],
      logger,
    });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    const attempts = lines().filter((line) => line.msg === "attempt");
    expect(attempts).toEqual([
      expect.objectContaining({
        level: 30,
        messageId: id,
        provider: "flaky",
        outcome: "retryable",
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({
        level: 30,
        messageId: id,
        provider: "primary",
        outcome: "accepted",
        durationMs: expect.any(Number),
      }),
    ]);
    expect(Object.keys(attempts[1] ?? {}).sort()).toEqual([
      "durationMs",
      "hostname",
      "level",
      "messageId",
      "msg",
      "outcome",
      "pid",
      "provider",
      "time",
    ]);
  });

  it("never writes an API key, whatever the request", async () => {
    const { logger, raw } = capturedLogger();
    const app = await setup({ providers: [createFakeProvider("primary")], logger });
    const created = (await (
      await app.app.request("/v1/api-keys", {
        method: "POST",
        headers: app.headers,
        body: JSON.stringify({ name: "logged", scopes: ["read"] }),
      })
    ).json()) as { key: string };
    const keys = [app.key, created.key];
    for (const key of keys) {
      const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      await app.app.request(`/v1/messages?key=${key}`, { headers });
      await app.app.request("/v1/messages", {
        method: "POST",
        headers,
        body: JSON.stringify(validBody),
      });
      await app.app.request("/v1/routes", { method: "PUT", headers, body: "{" });
      await app.app.request("/v1/messages", { headers: { authorization: `Bearer ${key}x` } });
    }
    await app.dispatcher.drain();
    expect(raw.length).toBeGreaterThan(8);
    const text = raw.join("");
    for (const key of keys) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(3));
    }
  });
});
