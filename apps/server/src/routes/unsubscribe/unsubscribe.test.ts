import type { EventSummary, MessageDetail, Suppression } from "@mailroute/core";
import { createFakeProvider } from "@mailroute/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, validBody } from "../../test-support";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

const publicUrl = "https://mail.example.com";

async function setup(options: Partial<Parameters<typeof createTestApp>[0]> = {}) {
  const provider = createFakeProvider("primary");
  const app = await createTestApp({
    providers: [provider],
    unsubscribe: { publicUrl },
    ...options,
  });
  apps.push(app);
  return { app, provider };
}

async function sendOk(app: TestApp, body: unknown): Promise<string> {
  const response = await app.send(body);
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function detail(app: TestApp, id: string): Promise<MessageDetail> {
  return (await (await app.get(`/v1/messages/${id}`)).json()) as MessageDetail;
}

/** The path of the message's one-click link, from the header mailroute stored. */
async function linkOf(app: TestApp, id: string): Promise<string> {
  const header = (await detail(app, id)).headers["List-Unsubscribe"] ?? "";
  const url = /^<(.+)>$/.exec(header)?.[1] ?? "";
  expect(url.startsWith(`${publicUrl}/u/`)).toBe(true);
  return new URL(url).pathname;
}

const post = (app: TestApp, path: string, headers: Record<string, string> = {}) =>
  app.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: "List-Unsubscribe=One-Click",
  });

async function suppressions(app: TestApp): Promise<Suppression[]> {
  return ((await (await app.get("/v1/suppressions")).json()) as { data: Suppression[] }).data;
}

async function unsubscribedEvents(app: TestApp): Promise<EventSummary[]> {
  const page = (await (await app.get("/v1/events?type=unsubscribed")).json()) as {
    data: EventSummary[];
  };
  return page.data;
}

describe("unsubscribe: true at accept", () => {
  it("stores the RFC 8058 headers, which every provider then receives", async () => {
    const { app, provider } = await setup();
    const id = await sendOk(app, { ...validBody, unsubscribe: true });
    const headers = (await detail(app, id)).headers;
    expect(headers["List-Unsubscribe"]).toMatch(
      new RegExp(`^<${publicUrl}/u/${id}\\.[A-Za-z0-9_-]{43}>$`),
    );
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    await app.dispatcher.drain();
    expect(provider.calls[0]?.message.headers).toEqual(headers);
  });

  it("answers 422 without server.publicUrl, saying how to set it, and stores nothing", async () => {
    const { app } = await setup({ unsubscribe: { publicUrl: null } });
    const response = await app.send({ ...validBody, unsubscribe: true });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as {
      error: { code: string; message: string; details: { path: string }[] };
    };
    expect(error.code).toBe("UNSUPPORTED_FEATURE");
    expect(error.message).toContain("server.publicUrl");
    expect(error.details.map((item) => item.path)).toEqual(["unsubscribe"]);
    expect((await app.store.listMessages({ limit: 10 })).data).toEqual([]);
  });

  it("answers 422 for more than one recipient in all, pointing at one message per recipient", async () => {
    const { app } = await setup();
    for (const extra of [{ cc: "two@example.com" }, { bcc: "two@example.com" }]) {
      const response = await app.send({ ...validBody, ...extra, unsubscribe: true });
      expect(response.status).toBe(422);
      const { error } = (await response.json()) as { error: { message: string } };
      expect(error.message).toMatch(/exactly one recipient/);
      expect(error.message).toMatch(/one message per recipient/);
    }
    expect((await app.store.listMessages({ limit: 10 })).data).toEqual([]);
  });

  it("refuses a List-Unsubscribe header of the caller's own beside it with 400 and the path", async () => {
    const { app } = await setup();
    const response = await app.send({
      ...validBody,
      unsubscribe: true,
      headers: { "List-Unsubscribe": "<mailto:leave@acme.test>" },
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { details: { path: string }[] } };
    expect(error.details.map((item) => item.path)).toEqual(["headers.List-Unsubscribe"]);
  });

  it("applies a route's default to single-recipient messages only, and never over false", async () => {
    const { app } = await setup({
      routes: [{ name: "default", providers: ["primary"], defaults: { unsubscribe: true } }],
    });
    const single = await sendOk(app, validBody);
    const several = await sendOk(app, { ...validBody, cc: "two@example.com" });
    const declined = await sendOk(app, { ...validBody, unsubscribe: false });
    expect((await detail(app, single)).headers).toHaveProperty("List-Unsubscribe");
    expect((await detail(app, several)).headers).toEqual({});
    expect((await detail(app, declined)).headers).toEqual({});
  });
});

describe("/u/:token", () => {
  it("GET shows a form that posts back, and changes nothing", async () => {
    const { app } = await setup();
    const id = await sendOk(app, { ...validBody, unsubscribe: true });
    const link = await linkOf(app, id);
    const page = await app.app.request(link);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('<form method="post">');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(html).not.toContain("user@example.com");
    expect(await suppressions(app)).toEqual([]);
    expect(await unsubscribedEvents(app)).toEqual([]);
  });

  it("POST suppresses exactly that recipient and records the event once, however often it comes", async () => {
    const { app } = await setup();
    const id = await sendOk(app, { ...validBody, unsubscribe: true });
    const other = await sendOk(app, { ...validBody, to: "other@example.com", unsubscribe: true });
    const link = await linkOf(app, id);
    const first = await post(app, link, { "user-agent": "Mail-Provider/1.0" });
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("You are unsubscribed");
    // Without a key and without the RFC 8058 body (the page's form sends it; nothing needs it).
    expect((await app.app.request(link, { method: "POST" })).status).toBe(200);
    expect(await suppressions(app)).toEqual([
      expect.objectContaining({
        email: "user@example.com",
        reason: "unsubscribe",
        provider: "mailroute",
        messageId: id,
      }),
    ]);
    const events = await unsubscribedEvents(app);
    expect(events).toEqual([
      expect.objectContaining({
        messageId: id,
        recipient: "user@example.com",
        provider: "mailroute",
        providerType: "mailroute",
        userAgent: "Mail-Provider/1.0",
      }),
    ]);
    const timeline = (await detail(app, id)).events.map((event) => event.type);
    expect(timeline).toContain("unsubscribed");
    expect((await detail(app, other)).events.map((event) => event.type)).not.toContain(
      "unsubscribed",
    );
  });

  it("answers 404 and changes nothing for an altered token, another message's id or an unknown message", async () => {
    const { app } = await setup();
    const id = await sendOk(app, { ...validBody, unsubscribe: true });
    const other = await sendOk(app, { ...validBody, to: "other@example.com", unsubscribe: true });
    const link = await linkOf(app, id);
    const signature = link.split(".")[1] ?? "";
    const last = link.at(-1) === "A" ? "B" : "A";
    const forged = [
      `${link.slice(0, -1)}${last}`,
      `/u/${other}.${signature}`,
      `/u/msg_00000000000000000000zzzz.${signature}`,
      `/u/${id}`,
      "/u/not-a-token",
    ];
    for (const path of forged) {
      expect((await post(app, path)).status, path).toBe(404);
      expect((await app.app.request(path)).status, path).toBe(404);
    }
    expect(await suppressions(app)).toEqual([]);
    expect(await unsubscribedEvents(app)).toEqual([]);
  });

  it("keeps the body limit: a larger body answers 413 and changes nothing", async () => {
    const { app } = await setup({ bodyLimitBytes: 1024 });
    const id = await sendOk(app, { ...validBody, unsubscribe: true });
    const response = await app.app.request(await linkOf(app, id), {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "content-length": "4096",
      },
      body: `List-Unsubscribe=One-Click&pad=${"x".repeat(4060)}`,
    });
    expect(response.status).toBe(413);
    expect(await suppressions(app)).toEqual([]);
    expect(await unsubscribedEvents(app)).toEqual([]);
  });

  it("verifies with the secret the configuration names, or one generated once and kept", async () => {
    const configured = await setup({
      unsubscribe: { publicUrl, secret: "a-configured-secret-of-32-chars!!" },
    });
    const id = await sendOk(configured.app, { ...validBody, unsubscribe: true });
    expect((await post(configured.app, await linkOf(configured.app, id))).status).toBe(200);
    expect(await configured.app.store.keepSetting("unsubscribe_secret", "x", new Date())).toBe("x");

    const generated = await setup();
    const second = await sendOk(generated.app, { ...validBody, unsubscribe: true });
    const kept = await generated.app.store.keepSetting("unsubscribe_secret", "x", new Date());
    expect(kept).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await post(generated.app, await linkOf(generated.app, second))).status).toBe(200);
  });
});
