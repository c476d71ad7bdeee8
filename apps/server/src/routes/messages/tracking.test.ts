import type { MessageDetail } from "@mailroute/core";
import { createFakeProvider, type FakeProvider } from "@mailroute/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, validBody } from "../../test-support";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

/** `fixed` tracks as its account says and cannot be told otherwise; `open` switches per message. */
async function setup(routes?: unknown[], unsubscribe?: { publicUrl: string | null }) {
  const fixed = createFakeProvider("fixed", { tracking: "account" });
  const open = createFakeProvider("open");
  const app = await createTestApp({
    providers: [fixed, open],
    routes: routes ?? [{ name: "default", providers: ["fixed", "open"] }],
    ...(unsubscribe ? { unsubscribe } : {}),
  });
  apps.push(app);
  return { app, fixed, open };
}

async function sendAndDispatch(app: TestApp, body: unknown): Promise<MessageDetail> {
  const response = await app.send(body);
  expect(response.status, await response.clone().text()).toBe(202);
  const { id } = (await response.json()) as { id: string };
  await app.dispatcher.drain();
  return (await (await app.get(`/v1/messages/${id}`)).json()) as MessageDetail;
}

const lastMessage = (provider: FakeProvider) => provider.calls.at(-1)?.message;

describe("tracking on a message", () => {
  it("is stored as set, shown on the message and handed to the provider", async () => {
    const { app, open } = await setup([{ name: "default", providers: ["open"] }]);
    const message = await sendAndDispatch(app, {
      ...validBody,
      tracking: { opens: false, clicks: true },
    });
    expect(message.tracking).toEqual({ opens: false, clicks: true });
    expect(lastMessage(open)?.tracking).toEqual({ opens: false, clicks: true });
    const untracked = await sendAndDispatch(app, validBody);
    expect(untracked).not.toHaveProperty("tracking");
    expect(lastMessage(open)).not.toHaveProperty("tracking");
  });

  it("skips a provider whose tracking lives in its account when the message sets it", async () => {
    const { app, fixed, open } = await setup();
    const tracked = await sendAndDispatch(app, { ...validBody, tracking: { opens: false } });
    expect(tracked).toMatchObject({ status: "sent", provider: "open" });
    expect(tracked.routing?.skipped).toEqual([
      {
        provider: "fixed",
        reason: "capability",
        detail:
          "open/click tracking is set in its account, not per message; this message sets tracking",
      },
    ]);
    expect(fixed.calls).toHaveLength(0);
    // Left to the account, the same provider is fine.
    expect(await sendAndDispatch(app, validBody)).toMatchObject({ provider: "fixed" });
    expect(open.calls).toHaveLength(1);
  });

  it("takes what it leaves unset from its route's defaults, at accept", async () => {
    const { app, open } = await setup([
      {
        name: "receipts",
        match: { tags: ["receipt"] },
        providers: ["open"],
        defaults: { tracking: { opens: false, clicks: false } },
      },
      { name: "default", providers: ["open"] },
    ]);
    const receipt = await sendAndDispatch(app, {
      ...validBody,
      tags: ["receipt"],
      tracking: { clicks: true },
    });
    expect(receipt.tracking).toEqual({ opens: false, clicks: true });
    expect(lastMessage(open)?.tracking).toEqual({ opens: false, clicks: true });
    const other = await sendAndDispatch(app, validBody);
    expect(other).not.toHaveProperty("tracking");
  });

  it("counts a route's default tracking in the simulation as a dispatch would", async () => {
    const { app } = await setup([
      { name: "default", providers: ["fixed", "open"], defaults: { tracking: { opens: true } } },
    ]);
    const response = await app.app.request("/v1/routes/simulate", {
      method: "POST",
      headers: app.headers,
      body: JSON.stringify(validBody),
    });
    expect(await response.json()).toMatchObject({
      plan: ["open"],
      skipped: [{ provider: "fixed", reason: "capability" }],
    });
  });
});

describe("route defaults through PUT /v1/routes", () => {
  const put = (app: TestApp, routes: unknown[]) =>
    app.app.request("/v1/routes", {
      method: "PUT",
      headers: app.headers,
      body: JSON.stringify({ routes }),
    });

  it("saves them and applies them to the next message", async () => {
    const { app } = await setup();
    const response = await put(app, [
      { name: "default", providers: ["open"], defaults: { tracking: { clicks: false } } },
    ]);
    expect(response.status).toBe(200);
    expect((await sendAndDispatch(app, validBody)).tracking).toEqual({ clicks: false });
  });

  it("refuses a default unsubscribe without server.publicUrl, naming the field, and keeps the old routes", async () => {
    const { app } = await setup();
    const response = await put(app, [
      { name: "default", providers: ["open"], defaults: { unsubscribe: true } },
    ]);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as {
      error: { details: { path: string; message: string }[] };
    };
    expect(error.details).toEqual([
      {
        path: "routes[0].defaults.unsubscribe",
        message: expect.stringContaining("server.publicUrl"),
      },
    ]);
    expect(await app.store.loadRoutes()).toBeNull();
  });

  it("accepts a default unsubscribe once server.publicUrl is set", async () => {
    const { app } = await setup(undefined, { publicUrl: "https://mail.example.com" });
    const response = await put(app, [
      { name: "default", providers: ["open"], defaults: { unsubscribe: true } },
    ]);
    expect(response.status).toBe(200);
  });
});
