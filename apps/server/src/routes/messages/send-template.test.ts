import { createFakeProvider } from "@mailroute/core/testing";
import { createCaptureProvider } from "@mailroute/provider-capture";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTestApp, openServerTestStore } from "../../test-support";

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

interface ErrorBody {
  error: { code: string; details: { path: string; message: string }[] };
}
interface Detail {
  status: string;
  subject: string;
  html: string | null;
  text: string | null;
  template: { id: string; version: number } | null;
}

const envelope = { from: "Acme <noreply@acme.test>", to: "ada@example.com" };
const welcome = {
  name: "welcome",
  subject: "Welcome, {{user.name}}",
  html: "<p>Hello {{user.name}}</p>",
  text: "Hello {{user.name}}",
};

async function setup(options: Partial<Parameters<typeof createTestApp>[0]> = {}) {
  const primary = createFakeProvider("primary");
  const app = await createTestApp({ providers: [primary], ...options });
  apps.push(app);
  const call = (method: string, path: string, body: unknown) =>
    app.app.request(path, { method, headers: app.headers, body: JSON.stringify(body) });
  const template = async (body: Record<string, unknown>) =>
    ((await (await call("POST", "/v1/templates", body)).json()) as { id: string }).id;
  const detail = async (id: string) =>
    (await (await app.get(`/v1/messages/${id}`)).json()) as Detail;
  const stored = async () => (await app.store.listMessages({ limit: 100 })).data.length;
  return { ...app, primary, call, template, detail, stored };
}

describe("POST /v1/messages with a stored template", () => {
  it("renders at accept: the message keeps the rendered parts and the version, and the provider gets them", async () => {
    const app = await setup();
    const id = await app.template(welcome);
    const response = await app.send({
      ...envelope,
      template: { id: "welcome", data: { user: { name: "<Ada>" } } },
    });
    expect(response.status).toBe(202);
    const message = (await response.json()) as { id: string };
    expect(await app.detail(message.id)).toMatchObject({
      subject: "Welcome, <Ada>",
      html: "<p>Hello &lt;Ada&gt;</p>",
      text: "Hello <Ada>",
      template: { id, version: 1 },
    });
    await app.dispatcher.drain();
    expect(app.primary.calls[0]?.message).toMatchObject({
      subject: "Welcome, <Ada>",
      html: "<p>Hello &lt;Ada&gt;</p>",
      text: "Hello <Ada>",
      template: { id, version: 1 },
    });
  });

  it("takes the template's id or name, and an earlier version by number", async () => {
    const app = await setup();
    const id = await app.template(welcome);
    await app.call("PUT", `/v1/templates/${id}`, { subject: "v2 {{user.name}}", text: "two" });
    const data = { user: { name: "Ada" } };
    const byId = (await (await app.send({ ...envelope, template: { id, data } })).json()) as {
      id: string;
    };
    expect(await app.detail(byId.id)).toMatchObject({
      subject: "v2 Ada",
      html: null,
      template: { id, version: 2 },
    });
    const pinned = (await (
      await app.send({ ...envelope, template: { id: "welcome", version: 1, data } })
    ).json()) as { id: string };
    expect(await app.detail(pinned.id)).toMatchObject({
      subject: "Welcome, Ada",
      template: { id, version: 1 },
    });
  });

  it("answers 400 for subject, html or text beside a template, naming each, storing nothing", async () => {
    const app = await setup();
    await app.template(welcome);
    const response = await app.send({
      ...envelope,
      subject: "Hi",
      html: "<p/>",
      template: { id: "welcome", data: { user: { name: "Ada" } } },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.details.map((d) => d.path)).toEqual([
      "subject",
      "html",
    ]);
    expect(await app.stored()).toBe(0);
  });

  it("answers 422 naming each path the data lacks, storing nothing", async () => {
    const app = await setup();
    await app.template({ ...welcome, html: "<p>{{user.name}}, {{account.plan}}</p>" });
    const response = await app.send({ ...envelope, template: { id: "welcome", data: {} } });
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe("TEMPLATE_DATA_MISSING");
    expect(error.details.map((detail) => detail.path)).toEqual([
      "template.data.user.name",
      "template.data.account.plan",
    ]);
    expect(await app.stored()).toBe(0);
  });

  it("answers 422 on template.id, template.version or subject, storing nothing", async () => {
    const app = await setup();
    await app.template(welcome);
    await app.template({ name: "footer", kind: "partial", html: "<footer/>" });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ id: "unknown" }, "TEMPLATE_NOT_FOUND", "template.id"],
      [{ id: "tpl_0000000000unknown00000" }, "TEMPLATE_NOT_FOUND", "template.id"],
      [{ id: "footer" }, "TEMPLATE_NOT_FOUND", "template.id"],
      [
        { id: "welcome", version: 2, data: { user: { name: "A" } } },
        "TEMPLATE_NOT_FOUND",
        "template.version",
      ],
      [
        { id: "welcome", data: { user: { name: "A\nBcc: x@evil.test" } } },
        "TEMPLATE_RENDER_FAILED",
        "subject",
      ],
      [
        { id: "welcome", data: { user: { name: "x".repeat(999) } } },
        "TEMPLATE_RENDER_FAILED",
        "subject",
      ],
    ];
    for (const [template, code, path] of cases) {
      const response = await app.send({ ...envelope, template });
      expect(response.status, JSON.stringify(template)).toBe(422);
      const { error } = (await response.json()) as ErrorBody;
      expect({ code: error.code, paths: error.details.map((detail) => detail.path) }).toEqual({
        code,
        paths: [path],
      });
    }
    expect(await app.stored()).toBe(0);
  });

  it("keeps what a scheduled message was rendered with when the template is edited before it goes", async () => {
    const store = await openServerTestStore();
    const capture = createCaptureProvider({ name: "capture" }, { mailbox: store });
    const app = await setup({ providers: [capture], store });
    const id = await app.template(welcome);
    const minutes = (count: number) => count * 60 * 1000;
    const sendAt = new Date(Date.now() + minutes(30)).toISOString();
    const answer = (await (
      await app.send({ ...envelope, sendAt, template: { id, data: { user: { name: "Ada" } } } })
    ).json()) as { id: string; status: string };
    expect(answer.status).toBe("scheduled");
    await app.call("PUT", `/v1/templates/${id}`, {
      subject: "Changed, {{user.name}}",
      html: "<p>Changed</p>",
    });
    const first = { subject: "Welcome, Ada", html: "<p>Hello Ada</p>", text: "Hello Ada" };
    expect(await app.detail(answer.id)).toMatchObject({ ...first, template: { id, version: 1 } });
    // Forty minutes on, the message is due: only the clock moves, so nothing waits on real time.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + minutes(40));
    await app.dispatcher.drain();
    expect((await app.detail(answer.id)).status).toBe("sent");
    const captured = await store.listCaptures({
      messageId: answer.id,
      limit: 1,
      include: "content",
    });
    expect(captured.data[0]).toMatchObject({ message: first });
  });

  it("replays a keyed send after its template was deleted, instead of rendering it again", async () => {
    const app = await setup();
    const id = await app.template(welcome);
    const body = { ...envelope, template: { id, data: { user: { name: "Ada" } } } };
    const key = { "Idempotency-Key": "welcome-ada" };
    const first = await app.send(body, key);
    expect(first.status).toBe(202);
    expect((await app.call("DELETE", `/v1/templates/${id}`, {})).status).toBe(204);
    const retry = await app.send(body, key);
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.json()).toEqual(await first.json());
    // A new key renders again, and the deleted template is gone for it.
    const fresh = await app.send(body, { "Idempotency-Key": "another" });
    expect(fresh.status).toBe(422);
    expect(await app.stored()).toBe(1);
  });

  it("replays a keyed batch after its template was deleted", async () => {
    const app = await setup();
    const id = await app.template(welcome);
    const body = { messages: [{ ...envelope, template: { id, data: { user: { name: "Ada" } } } }] };
    const key = { "Idempotency-Key": "batch-ada" };
    const first = await app.call("POST", "/v1/messages/batch", body);
    expect(first.status).toBe(200);
    const keyed = () =>
      app.app.request("/v1/messages/batch", {
        method: "POST",
        headers: { ...app.headers, ...key },
        body: JSON.stringify(body),
      });
    const original = await keyed();
    expect((await app.call("DELETE", `/v1/templates/${id}`, {})).status).toBe(204);
    const retry = await keyed();
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.json()).toEqual(await original.json());
    expect(await app.stored()).toBe(2);
  });
});
