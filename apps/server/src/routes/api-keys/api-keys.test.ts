import { type ApiKeyScope, scopeRules, scopesFor } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { closeAppsAfterEach, type TestApp, validBody } from "../../test-support";

const setup = closeAppsAfterEach();

/** Creates a key with these scopes through the API, as the admin test key. */
async function keyWith(app: TestApp, scopes: ApiKeyScope[], name = scopes.join("+")) {
  const response = await app.app.request("/v1/api-keys", {
    method: "POST",
    headers: app.headers,
    body: JSON.stringify({ name, scopes }),
  });
  expect(response.status).toBe(201);
  const created = (await response.json()) as { id: string; key: string };
  return {
    ...created,
    request: (method: string, path: string, body?: unknown) =>
      app.app.request(path, {
        method,
        headers: { authorization: `Bearer ${created.key}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}

describe("API key scopes", () => {
  it("lets a send key send, batch and render, and refuses it everything else", async () => {
    const app = await setup();
    const sender = await keyWith(app, ["send"]);
    expect((await sender.request("POST", "/v1/messages", validBody)).status).toBe(202);
    const batch = await sender.request("POST", "/v1/messages/batch", { messages: [validBody] });
    expect(batch.status).toBe(200);
    await app.app.request("/v1/templates", {
      method: "POST",
      headers: app.headers,
      body: JSON.stringify({ name: "welcome", subject: "Hi {{name}}", text: "Hello {{name}}" }),
    });
    const rendered = await sender.request("POST", "/v1/templates/welcome/render", {
      data: { name: "Ada" },
    });
    expect(rendered.status).toBe(200);
    const routes = await sender.request("PUT", "/v1/routes", { routes: [] });
    expect(routes.status).toBe(403);
    expect(await routes.json()).toMatchObject({
      error: {
        code: "FORBIDDEN",
        message: expect.stringContaining("needs the 'admin' scope"),
        details: [{ path: "scopes", message: "needs 'admin'" }],
      },
    });
    const providers = await sender.request("GET", "/v1/providers");
    expect(providers.status).toBe(403);
    expect(((await providers.json()) as { error: { message: string } }).error.message).toContain(
      "needs the 'read' scope",
    );
  });

  it("shows a send key only the messages it accepted: another key's is not found", async () => {
    const app = await setup();
    const sender = await keyWith(app, ["send"], "one");
    const other = await keyWith(app, ["send"], "two");
    const own = (await (await sender.request("POST", "/v1/messages", validBody)).json()) as {
      id: string;
    };
    const theirs = (await (await other.request("POST", "/v1/messages", validBody)).json()) as {
      id: string;
    };
    const admins = (await (await app.send(validBody)).json()) as { id: string };
    expect((await sender.request("GET", `/v1/messages/${own.id}`)).status).toBe(200);
    const foreign = await sender.request("GET", `/v1/messages/${theirs.id}`);
    expect(foreign.status).toBe(404);
    expect((await sender.request("GET", `/v1/messages/${admins.id}`)).status).toBe(404);
    const listed = (await (await sender.request("GET", "/v1/messages")).json()) as {
      data: { id: string }[];
    };
    expect(listed.data.map((message) => message.id)).toEqual([own.id]);
    // Keys that may read see every message.
    const reader = await keyWith(app, ["read"]);
    expect((await reader.request("GET", `/v1/messages/${theirs.id}`)).status).toBe(200);
    const all = (await (await app.get("/v1/messages")).json()) as { data: unknown[] };
    expect(all.data).toHaveLength(3);
  });

  it("lets a read key GET everything and refuses every other method", async () => {
    const app = await setup();
    const reader = await keyWith(app, ["read"]);
    for (const path of ["/v1/messages", "/v1/providers", "/v1/routes", "/v1/api-keys"]) {
      expect((await reader.request("GET", path)).status, path).toBe(200);
    }
    const sent = await reader.request("POST", "/v1/messages", validBody);
    expect(sent.status).toBe(403);
    expect(((await sent.json()) as { error: { message: string } }).error.message).toContain(
      "needs the 'send' scope",
    );
    expect(
      (await reader.request("POST", "/v1/api-keys", { name: "x", scopes: ["admin"] })).status,
    ).toBe(403);
  });

  it("answers every operation of the OpenAPI with 403 exactly for the scopes core's table leaves out", async () => {
    const app = await setup();
    const keys = {
      send: await keyWith(app, ["send"]),
      read: await keyWith(app, ["read"]),
      admin: await keyWith(app, ["admin"]),
    };
    const document = (await (await app.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    let checked = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      if (!path.startsWith("/v1/")) {
        continue;
      }
      const pattern = path.replace(/\{(\w+)\}/g, ":$1");
      const concrete = path.replace(/\{\w+\}/g, "x");
      for (const [method, operation] of Object.entries(operations)) {
        const allowed = scopesFor(method, pattern);
        for (const [scope, key] of Object.entries(keys)) {
          const body = method === "get" ? undefined : {};
          const status = (await key.request(method.toUpperCase(), concrete, body)).status;
          const refused = !allowed.includes(scope as ApiKeyScope);
          expect(status === 403, `${scope} ${method} ${path} answered ${status}`).toBe(refused);
        }
        const refusesSome = allowed.length < 3;
        expect("403" in operation.responses, `${method} ${path} lists 403`).toBe(refusesSome);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
    // Every row of the table names a route that exists.
    for (const rule of scopeRules) {
      const path = rule.pattern.replace(/:(\w+)/g, "{$1}");
      expect(document.paths[path]?.[rule.method.toLowerCase()], rule.pattern).toBeDefined();
    }
  });
});

describe("/v1/api-keys", () => {
  it("shows a new key once, lists keys without secrets and revokes at once", async () => {
    const app = await setup();
    const created = await app.app.request("/v1/api-keys", {
      method: "POST",
      headers: app.headers,
      body: JSON.stringify({ name: "billing", scopes: ["send"] }),
    });
    expect(created.status).toBe(201);
    const key = (await created.json()) as Record<string, unknown> & { id: string; key: string };
    expect(key).toEqual({
      id: expect.stringMatching(/^key_/),
      key: expect.stringMatching(/^mr_[A-Za-z0-9]{40}$/),
      name: "billing",
      prefix: key.key.slice(0, 11),
      scopes: ["send"],
      createdAt: expect.any(String),
      lastUsedAt: null,
    });
    const auth = { authorization: `Bearer ${key.key}`, "content-type": "application/json" };
    // Used once, so the cache holds it.
    expect((await app.app.request("/v1/messages", { headers: auth })).status).toBe(200);
    const listed = await app.get("/v1/api-keys");
    const text = await listed.text();
    expect(text).not.toContain(key.key);
    expect(text).not.toContain("hash");
    const page = JSON.parse(text) as { data: Record<string, unknown>[]; nextCursor: null };
    expect(page.data.map((entry) => entry.name)).toEqual(["billing", "test"]);
    expect(Object.keys(page.data[0] ?? {}).sort()).toEqual([
      "createdAt",
      "id",
      "lastUsedAt",
      "name",
      "prefix",
      "scopes",
    ]);
    const revoked = await app.app.request(`/v1/api-keys/${key.id}`, {
      method: "DELETE",
      headers: app.headers,
    });
    expect(revoked.status).toBe(204);
    const after = await app.app.request("/v1/messages", { headers: auth });
    expect(after.status).toBe(401);
    const again = await app.app.request(`/v1/api-keys/${key.id}`, {
      method: "DELETE",
      headers: app.headers,
    });
    expect(again.status).toBe(404);
    expect(
      ((await (await app.get("/v1/api-keys")).json()) as { data: unknown[] }).data,
    ).toHaveLength(1);
  });

  it("refuses a key without scopes or with an unknown one", async () => {
    const app = await setup();
    for (const scopes of [[], ["owner"]]) {
      const response = await app.app.request("/v1/api-keys", {
        method: "POST",
        headers: app.headers,
        body: JSON.stringify({ name: "x", scopes }),
      });
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { details: { path: string }[] } };
      expect(error.details.map((detail) => detail.path)).toEqual([
        scopes.length === 0 ? "scopes" : "scopes[0]",
      ]);
    }
  });
});
