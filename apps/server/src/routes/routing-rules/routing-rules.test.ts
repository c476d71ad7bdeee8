import { createFakeProvider } from "@mailroute/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, validBody } from "../../test-support";

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

async function setup(options: Partial<Parameters<typeof createTestApp>[0]> = {}) {
  const app = await createTestApp({
    providers: [createFakeProvider("primary"), createFakeProvider("backup")],
    ...options,
  });
  apps.push(app);
  const put = (body: unknown) =>
    app.app.request("/v1/routes", {
      method: "PUT",
      headers: app.headers,
      body: JSON.stringify(body),
    });
  const simulate = (body: unknown) =>
    app.app.request("/v1/routes/simulate", {
      method: "POST",
      headers: app.headers,
      body: JSON.stringify(body),
    });
  return { ...app, put, simulate };
}

describe("GET·PUT /v1/routes", () => {
  it("shows the configured routes, then replaces them, persists them and dispatches by them", async () => {
    const app = await setup();
    expect(await (await app.get("/v1/routes")).json()).toMatchObject({
      source: "configuration",
      updatedAt: null,
      routes: [{ name: "default" }],
    });
    const response = await app.put({
      routes: [{ name: "backup-first", providers: ["backup", "primary"] }],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      source: "api",
      routes: [{ name: "backup-first", strategy: "priority" }],
    });
    expect(await app.store.loadRoutes()).toMatchObject({ routes: [{ name: "backup-first" }] });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    expect(await app.store.getMessage(id)).toMatchObject({
      provider: "backup",
      routing: { route: "backup-first" },
    });
  });

  it("refuses invalid routes with field details and keeps the old ones", async () => {
    const app = await setup();
    const unknown = await app.put({ routes: [{ name: "r", providers: ["primary", "nobody"] }] });
    expect(unknown.status).toBe(400);
    expect(
      ((await unknown.json()) as { error: { details: { path: string }[] } }).error.details,
    ).toEqual([
      {
        path: "routes[0].providers[1]",
        message: 'names provider "nobody", which is not configured',
      },
    ]);
    const malformed = await app.put({ routes: [{ name: "r", strategy: "random", providers: [] }] });
    const details = (
      (await malformed.json()) as { error: { details: { path: string }[] } }
    ).error.details.map((detail) => detail.path);
    expect(details).toEqual(expect.arrayContaining(["routes[0].strategy", "routes[0].providers"]));
    expect((await app.put({ routes: [] })).status).toBe(400);
    expect(await (await app.get("/v1/routes")).json()).toMatchObject({ source: "configuration" });
    expect(await app.store.loadRoutes()).toBeNull();
  });
});

describe("POST /v1/routes/simulate", () => {
  it("answers the route, plan and skipped providers without sending", async () => {
    const primary = createFakeProvider("primary", { attachments: false });
    const app = await setup({
      providers: [primary, createFakeProvider("backup")],
      routes: [
        { name: "security", match: { tags: ["security"] }, providers: ["primary", "backup"] },
        { name: "default", providers: ["backup"] },
      ],
    });
    await app.app.request("/v1/suppressions", {
      method: "POST",
      headers: app.headers,
      body: JSON.stringify({ email: "gone@example.com" }),
    });
    const response = await app.simulate({
      ...validBody,
      to: ["user@example.com", "gone@example.com"],
      tags: ["security"],
      attachments: [{ filename: "a.txt", content: "aGVsbG8=" }],
    });
    expect(await response.json()).toEqual({
      route: "security",
      plan: ["backup"],
      skipped: [
        { provider: "primary", reason: "capability", detail: "attachments are not supported" },
      ],
      suppressed: ["gone@example.com"],
    });
    expect(primary.calls).toHaveLength(0);
    expect(await app.store.countPendingJobs()).toBe(0);
    expect((await app.simulate({ from: "bad" })).status).toBe(400);
  });
});

describe("POST /v1/routes/simulate with a stored template", () => {
  it("plans the rendered message, as an accept would store it", async () => {
    const primary = createFakeProvider("primary", { maxMessageBytes: 1000 });
    const app = await setup({ providers: [primary, createFakeProvider("backup")] });
    await app.put({ routes: [{ name: "default", providers: ["primary", "backup"] }] });
    const created = await app.app.request("/v1/templates", {
      method: "POST",
      headers: app.headers,
      body: JSON.stringify({ name: "long", subject: "Hi", text: "{{body}}" }),
    });
    expect(created.status).toBe(201);
    const { from, to } = validBody;
    const plan = async (body: string) =>
      (await app.simulate({ from, to, template: { id: "long", data: { body } } })).json();
    expect(await plan("short")).toMatchObject({ plan: ["primary", "backup"], skipped: [] });
    // Only the rendered text is over the primary's limit: the plan must come from the rendering.
    expect(await plan("x".repeat(2000))).toMatchObject({
      plan: ["backup"],
      skipped: [{ provider: "primary", reason: "capability" }],
    });
    const unknown = await app.simulate({ from, to, template: { id: "nope" } });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ error: { code: "TEMPLATE_NOT_FOUND" } });
  });
});

describe("provider guards", () => {
  it("spills over to the next provider past a rate limit, and says why", async () => {
    const primary = createFakeProvider("primary");
    const app = await setup({
      providers: [primary, createFakeProvider("backup")],
      limits: new Map([["primary", { ratePerSecond: 0.001, burst: 1 }]]),
    });
    const first = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    const second = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    expect((await app.store.getMessage(first.id))?.provider).toBe("primary");
    const spilled = (await app.store.getMessage(second.id))!;
    expect(spilled.provider).toBe("backup");
    expect(spilled.routing?.skipped).toMatchObject([
      { provider: "primary", reason: "rate_limited" },
    ]);
    const providers = (await (await app.get("/v1/providers")).json()) as {
      data: { name: string; limited: unknown }[];
    };
    expect(providers.data.find((provider) => provider.name === "primary")?.limited).toMatchObject({
      reason: "rate_limited",
    });
  });

  it("spills over past a daily quota", async () => {
    const app = await setup({ limits: new Map([["primary", { dailyQuota: 1 }]]) });
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      ids.push(((await (await app.send(validBody)).json()) as { id: string }).id);
      await app.dispatcher.drain();
    }
    const providers = await Promise.all(
      ids.map(async (id) => (await app.store.getMessage(id))?.provider),
    );
    expect(providers).toEqual(["primary", "backup", "backup"]);
  });

  it("marks a provider misconfigured after an authentication error and skips it", async () => {
    const primary = createFakeProvider("primary");
    primary.script({
      outcome: "retryable",
      reason: "authentication",
      message: "401 The provided authorization grant is invalid",
      statusCode: 401,
    });
    const app = await setup({ providers: [primary, createFakeProvider("backup")] });
    await app.send(validBody);
    await app.dispatcher.drain();
    const providers = (await (await app.get("/v1/providers")).json()) as {
      data: { name: string; breaker: string; misconfigured: unknown }[];
    };
    expect(providers.data[0]).toMatchObject({
      name: "primary",
      breaker: "open",
      misconfigured: { reason: "401 The provided authorization grant is invalid" },
    });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    expect((await app.store.getMessage(id))?.routing?.skipped).toMatchObject([
      { provider: "primary", reason: "misconfigured" },
    ]);
    expect(primary.calls).toHaveLength(1);
  });
});

describe("retryThenHold", () => {
  it("retries the ambiguous provider alone, holds after a second ambiguous try, and can be released or cancelled", async () => {
    const primary = createFakeProvider("primary");
    const backup = createFakeProvider("backup");
    primary.fallback = { outcome: "ambiguous", reason: "timeout", message: "no answer" };
    const app = await setup({
      providers: [primary, backup],
      routes: [{ name: "careful", providers: ["primary", "backup"], onAmbiguous: "retryThenHold" }],
    });
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    expect(await app.store.getMessage(id)).toMatchObject({
      status: "queued",
      possibleDuplicate: true,
    });
    await app.dispatcher.drain();
    const held = (await app.store.getMessage(id))!;
    expect(held).toMatchObject({ status: "held", possibleDuplicate: true });
    expect(held.error?.message).toMatch(/held after two ambiguous tries at primary/);
    expect(held.attempts.map((attempt) => attempt.provider)).toEqual(["primary", "primary"]);
    expect(backup.calls).toHaveLength(0);

    const cancelQueued = await app.app.request(`/v1/messages/${id}/cancel`, {
      method: "POST",
      headers: app.headers,
    });
    expect(cancelQueued.status).toBe(200);
    expect(await cancelQueued.json()).toEqual({ id, status: "cancelled" });
    expect((await app.store.getMessage(id))?.status).toBe("cancelled");
    expect(
      (
        await app.app.request(`/v1/messages/${id}/release`, {
          method: "POST",
          headers: app.headers,
        })
      ).status,
    ).toBe(409);

    const second = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    await app.dispatcher.drain();
    expect((await app.store.getMessage(second.id))?.status).toBe("held");
    primary.fallback = "accept";
    expect(
      (
        await app.app.request(`/v1/messages/${second.id}/release`, {
          method: "POST",
          headers: app.headers,
        })
      ).status,
    ).toBe(200);
    await app.dispatcher.drain();
    expect(await app.store.getMessage(second.id)).toMatchObject({
      status: "sent",
      provider: "primary",
      possibleDuplicate: true,
    });
    expect(
      (
        await app.app.request("/v1/messages/msg_nope/release", {
          method: "POST",
          headers: app.headers,
        })
      ).status,
    ).toBe(404);
  });
});
