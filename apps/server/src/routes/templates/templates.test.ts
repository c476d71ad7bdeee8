import { createFakeProvider } from "@mailroute/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp } from "../../test-support";

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] };
}

async function setup() {
  const app = await createTestApp({ providers: [createFakeProvider("primary")] });
  apps.push(app);
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const response = await app.app.request(path, {
      method,
      headers: app.headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const create = (body: Record<string, unknown>) =>
    call<{ id: string; version: number } & Record<string, unknown>>("POST", "/v1/templates", body);
  const render = (id: string, body: Record<string, unknown>) =>
    call<{ subject: string; html: string | null; text: string | null } & ErrorBody>(
      "POST",
      `/v1/templates/${id}/render`,
      body,
    );
  return { ...app, call, create, render };
}

const welcome = {
  name: "welcome",
  subject: "Welcome, {{user.name}}",
  html: "<p>Hello {{user.name}}</p>",
};

describe("POST /v1/templates", () => {
  it("stores a strict Handlebars template as version 1", async () => {
    const app = await setup();
    const { status, body } = await app.create(welcome);
    expect(status).toBe(201);
    expect(body).toMatchObject({
      id: expect.stringMatching(/^tpl_[0-9a-z]{24}$/),
      name: "welcome",
      kind: "template",
      engine: "handlebars",
      strict: true,
      version: 1,
      latestVersion: 1,
      subject: welcome.subject,
      html: welcome.html,
      text: null,
      partials: [],
      deletedAt: null,
    });
  });

  it("answers 409 for a name already taken, by a template or a partial", async () => {
    const app = await setup();
    await app.create(welcome);
    const again = await app.create({ name: "welcome", kind: "partial", html: "<p/>" });
    expect(again.status).toBe(409);
    expect((again.body as unknown as ErrorBody).error).toMatchObject({
      code: "CONFLICT",
      details: [{ path: "name", message: "is taken" }],
    });
    expect((await app.call<{ data: unknown[] }>("GET", "/v1/templates")).body.data).toHaveLength(1);
  });

  it("answers 400 with the field, line and column of a syntax error, storing nothing", async () => {
    const app = await setup();
    const { status, body } = await app.create({
      name: "broken",
      subject: "Hi",
      html: "<p>\n<b>ok</b>\n<i>{{name}</i>",
    });
    expect(status).toBe(400);
    expect((body as unknown as ErrorBody).error).toMatchObject({
      code: "VALIDATION_ERROR",
      details: [{ path: "html", message: expect.stringMatching(/^line 3, column 10: /) }],
    });
    expect((await app.call<{ data: unknown[] }>("GET", "/v1/templates")).body.data).toEqual([]);
  });

  const badBodies: [string, Record<string, unknown>, string[]][] = [
    ["a template without a subject", { name: "a", html: "<p/>" }, ["subject"]],
    ["a template without html or text", { name: "a", subject: "Hi" }, ["html"]],
    [
      "a partial with a subject",
      { name: "a", kind: "partial", subject: "Hi", html: "x" },
      ["subject"],
    ],
    ["a name with a space", { ...welcome, name: "two words" }, ["name"]],
    ["a name like an id", { ...welcome, name: "tpl_welcome" }, ["name"]],
    ["a subject source on two lines", { ...welcome, subject: "Hi\n{{name}}" }, ["subject"]],
    ["another engine", { ...welcome, engine: "liquid" }, ["engine"]],
    ["an unknown field", { ...welcome, layout: "base" }, ["layout"]],
  ];
  for (const [name, body, paths] of badBodies) {
    it(`answers 400 for ${name}`, async () => {
      const app = await setup();
      const { status, body: answer } = await app.create(body);
      expect(status).toBe(400);
      expect((answer as unknown as ErrorBody).error.details.map((detail) => detail.path)).toEqual(
        paths,
      );
    });
  }
});

describe("GET /v1/templates", () => {
  it("lists summaries newest first, page by page, without sources or deleted ones", async () => {
    const app = await setup();
    const ids: string[] = [];
    for (const name of ["a", "b", "c", "d"]) {
      ids.push((await app.create({ ...welcome, name })).body.id);
    }
    await app.call("DELETE", `/v1/templates/${ids[3]}`);
    const first = await app.call<{ data: Record<string, unknown>[]; nextCursor: string }>(
      "GET",
      "/v1/templates?limit=2",
    );
    expect(first.body.data.map((template) => template.name)).toEqual(["c", "b"]);
    expect(Object.keys(first.body.data[0] ?? {}).sort()).toEqual(
      ["createdAt", "engine", "id", "kind", "name", "strict", "updatedAt", "version"].sort(),
    );
    const second = await app.call<{ data: { name: string }[]; nextCursor: string | null }>(
      "GET",
      `/v1/templates?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.data.map((template) => template.name)).toEqual(["a"]);
    expect(second.body.nextCursor).toBeNull();
    expect((await app.call("GET", "/v1/templates?kind=partial")).status).toBe(400);
  });
});

describe("GET and PUT /v1/templates/:id", () => {
  it("stores each PUT as a new version and keeps the earlier ones readable", async () => {
    const app = await setup();
    const { id } = (await app.create(welcome)).body;
    const updated = await app.call("PUT", `/v1/templates/${id}`, {
      subject: "Hello again, {{user.name}}",
      text: "Hi {{user.name}}",
      strict: false,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, latestVersion: 2, html: null, strict: false });
    expect((await app.call("GET", `/v1/templates/${id}`)).body).toMatchObject({
      version: 2,
      subject: "Hello again, {{user.name}}",
    });
    expect((await app.call("GET", `/v1/templates/welcome?version=1`)).body).toMatchObject({
      id,
      version: 1,
      latestVersion: 2,
      subject: welcome.subject,
      html: welcome.html,
    });
    expect((await app.call("GET", `/v1/templates/${id}?version=3`)).status).toBe(404);
    expect((await app.call("GET", "/v1/templates/tpl_unknown")).status).toBe(404);
    expect((await app.call("GET", "/v1/templates/unknown")).status).toBe(404);
    // A PUT without `strict` keeps the setting.
    await app.call("PUT", `/v1/templates/${id}`, { subject: "v3", text: "three" });
    expect((await app.call("GET", `/v1/templates/${id}`)).body).toMatchObject({
      version: 3,
      strict: false,
    });
  });

  it("refuses a PUT with a syntax error or without a subject, keeping the latest version", async () => {
    const app = await setup();
    const { id } = (await app.create(welcome)).body;
    const broken = await app.call<ErrorBody>("PUT", `/v1/templates/${id}`, {
      subject: "Hi {{#if x}}",
      html: "<p/>",
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.details.map((detail) => detail.path)).toEqual(["subject"]);
    const noSubject = await app.call<ErrorBody>("PUT", `/v1/templates/${id}`, { html: "<p/>" });
    expect(noSubject.body.error.details).toEqual([
      { path: "subject", message: "is required for a template" },
    ]);
    expect((await app.call("GET", `/v1/templates/${id}`)).body).toMatchObject({ version: 1 });
  });
});

describe("DELETE /v1/templates/:id", () => {
  it("soft-deletes: out of the list, no longer sent, readable by id, its name free again", async () => {
    const app = await setup();
    const { id } = (await app.create(welcome)).body;
    expect((await app.call("DELETE", `/v1/templates/${id}`)).status).toBe(204);
    expect((await app.call("DELETE", `/v1/templates/${id}`)).status).toBe(404);
    expect((await app.call("GET", "/v1/templates/welcome")).status).toBe(404);
    expect((await app.call("GET", `/v1/templates/${id}`)).body).toMatchObject({
      id,
      deletedAt: expect.any(String),
    });
    const { name: _name, ...source } = welcome;
    expect((await app.call("PUT", `/v1/templates/${id}`, source)).status).toBe(404);
    expect((await app.render(id, { data: { user: { name: "Ada" } } })).status).toBe(404);
    const sent = await app.send({
      from: "a@acme.test",
      to: "b@example.com",
      template: { id, data: { user: { name: "Ada" } } },
    });
    expect(sent.status).toBe(422);
    expect(((await sent.json()) as ErrorBody).error).toMatchObject({
      code: "TEMPLATE_NOT_FOUND",
      details: [{ path: "template.id" }],
    });
    const again = await app.create(welcome);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(id);
  });

  it("refuses to delete a partial a live template includes, naming each, until none does", async () => {
    const app = await setup();
    const footer = (await app.create({ name: "footer", kind: "partial", html: "<footer/>" })).body;
    const receipt = (
      await app.create({ name: "receipt", subject: "Receipt", html: "<p/>{{> footer}}" })
    ).body;
    await app.create({ name: "invoice", subject: "Invoice", html: "{{> footer}}" });
    const refused = await app.call<ErrorBody>("DELETE", `/v1/templates/${footer.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/included by invoice, receipt/);
    expect(refused.body.error.details).toEqual([
      { path: "id", message: expect.stringContaining("template invoice") },
      { path: "id", message: expect.stringContaining(`template receipt (${receipt.id})`) },
    ]);
    await app.call("PUT", "/v1/templates/receipt", { subject: "Receipt", html: "<p/>" });
    await app.call("DELETE", "/v1/templates/invoice");
    expect((await app.call("DELETE", "/v1/templates/footer")).status).toBe(204);
  });
});

describe("POST /v1/templates/:id/render", () => {
  it("escapes data in the HTML, keeps {{{raw}}} as given, and leaves the subject unescaped", async () => {
    const app = await setup();
    await app.create({
      name: "note",
      subject: "For {{name}}",
      html: "<p>{{name}}</p><div>{{{signature}}}</div>",
      text: "Hi {{name}}",
    });
    const { status, body } = await app.render("note", {
      data: { name: "<script>alert(1)</script>", signature: "<b>Acme</b>" },
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      subject: "For <script>alert(1)</script>",
      html: "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><div><b>Acme</b></div>",
      text: "Hi <script>alert(1)</script>",
    });
  });

  it("renders partials and a layout, inlines the CSS and makes the text part", async () => {
    const app = await setup();
    await app.create({ name: "footer", kind: "partial", html: "<footer>Bye {{name}}</footer>" });
    await app.create({
      name: "layout",
      kind: "partial",
      html: "<style>p { color: red }</style><div>{{> @partial-block}}{{> footer}}</div>",
    });
    await app.create({
      name: "hello",
      subject: "Hi {{name}}",
      html: "{{#> layout}}<p>Hello {{name}}</p>{{/layout}}",
    });
    const { body } = await app.render("hello", { data: { name: "Ada" } });
    expect(body.html).toBe(
      '<div><p style="color: red;">Hello Ada</p><footer>Bye Ada</footer></div>',
    );
    expect(body.text?.trim()).toBe("Hello Ada\n\nBye Ada");
    // An edit of a partial shows at the next render of the templates that include it.
    await app.call("PUT", "/v1/templates/footer", { html: "<footer>Ciao {{name}}</footer>" });
    expect((await app.render("hello", { data: { name: "Ada" } })).body.html).toContain("Ciao Ada");
  });

  it("answers 422 naming each variable a strict template lacks; a lenient one prints nothing", async () => {
    const app = await setup();
    const { id } = (await app.create({ ...welcome, html: "<p>{{user.name}} {{user.email}}</p>" }))
      .body;
    const missing = await app.render(id, { data: { user: {} } });
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({
      code: "TEMPLATE_DATA_MISSING",
      details: [
        { path: "data.user.name", message: expect.any(String) },
        { path: "data.user.email", message: expect.any(String) },
      ],
    });
    await app.call("PUT", `/v1/templates/${id}`, { ...welcome, name: undefined, strict: false });
    const lenient = await app.render(id, { data: {} });
    expect(lenient.status).toBe(200);
    expect(lenient.body).toMatchObject({ subject: "Welcome, ", html: "<p>Hello </p>" });
  });

  it("answers the 422s of a send: unknown version, missing partial, a subject on two lines, a partial", async () => {
    const app = await setup();
    const { id } = (await app.create(welcome)).body;
    const version = await app.render(id, { version: 2, data: { user: { name: "Ada" } } });
    expect(version.status).toBe(422);
    expect(version.body.error).toMatchObject({
      code: "TEMPLATE_NOT_FOUND",
      details: [{ path: "version" }],
    });
    const newline = await app.render(id, { data: { user: { name: "Ada\r\nBcc: x@evil.test" } } });
    expect(newline.status).toBe(422);
    expect(newline.body.error).toMatchObject({
      code: "TEMPLATE_RENDER_FAILED",
      details: [{ path: "subject" }],
    });
    await app.create({ name: "framed", subject: "Hi", html: "{{> frame}}" });
    const partial = await app.render("framed", {});
    expect(partial.status).toBe(422);
    expect(partial.body.error).toMatchObject({
      code: "TEMPLATE_RENDER_FAILED",
      message: expect.stringContaining('"frame"'),
    });
    await app.create({ name: "frame", kind: "partial", html: "<div/>" });
    expect((await app.render("framed", {})).body.html).toBe("<div/>");
    expect((await app.render("frame", {})).body.error.code).toBe("TEMPLATE_NOT_FOUND");
    expect((await app.render("nope", {})).status).toBe(404);
  });
});
