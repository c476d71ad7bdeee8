import { createFakeProvider } from "@mailroute/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, validBody } from "../../test-support";

const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

describe("GET /v1/messages/:id and GET /v1/messages", () => {
  it("shows a sent message with recipients, attempts, events and routing", async () => {
    const app = await createTestApp({ providers: [createFakeProvider("primary")] });
    apps.push(app);
    const { id } = (await (
      await app.send({ ...validBody, cc: "Boss <boss@example.com>" })
    ).json()) as { id: string };
    await app.dispatcher.drain();
    const response = await app.get(`/v1/messages/${id}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id,
      status: "sent",
      from: { email: "noreply@acme.test", name: "Acme" },
      cc: [{ email: "boss@example.com", name: "Boss" }],
      recipients: [
        { email: "user@example.com", status: "sent" },
        { email: "boss@example.com", status: "sent" },
      ],
      attempts: [
        { provider: "primary", outcome: "accepted", providerMessageId: "primary-1", error: null },
      ],
      routing: { route: "default", plan: ["primary"], skipped: [] },
      possibleDuplicate: false,
    });
    expect((body.events as { type: string }[]).map((event) => event.type)).toEqual([
      "queued",
      "queued",
      "sent",
      "sent",
    ]);
  });

  it("answers 404 with the error shape for an unknown id", async () => {
    const app = await createTestApp({ providers: [createFakeProvider("primary")] });
    apps.push(app);
    const response = await app.get("/v1/messages/msg_nope");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND", details: [] } });
  });

  it("lists with filters and pages with a cursor", async () => {
    const primary = createFakeProvider("primary");
    const app = await createTestApp({ providers: [primary] });
    apps.push(app);
    primary.script("accept", { outcome: "permanent", reason: "invalid_request", message: "bad" });
    const ids: string[] = [];
    for (const tag of ["a", "b", "a"]) {
      ids.push(
        ((await (await app.send({ ...validBody, tags: [tag] })).json()) as { id: string }).id,
      );
      await app.dispatcher.drain();
    }
    const sent = (await (await app.get("/v1/messages?status=sent&tag=a")).json()) as {
      data: { id: string }[];
    };
    expect(sent.data.map((item) => item.id)).toEqual([ids[2], ids[0]]);
    const failed = (await (await app.get("/v1/messages?status=failed,queued")).json()) as {
      data: { id: string }[];
    };
    expect(failed.data.map((item) => item.id)).toEqual([ids[1]]);
    const first = (await (await app.get("/v1/messages?limit=2")).json()) as {
      data: { id: string }[];
      nextCursor: string;
    };
    const second = (await (
      await app.get(`/v1/messages?limit=2&cursor=${first.nextCursor}`)
    ).json()) as {
      data: { id: string }[];
      nextCursor: string | null;
    };
    expect([...first.data, ...second.data].map((item) => item.id)).toEqual([...ids].reverse());
    expect(second.nextCursor).toBeNull();
    const byId = (await (await app.get(`/v1/messages?id=${ids[0]}&id=${ids[1]}`)).json()) as {
      data: unknown[];
    };
    expect(byId.data).toHaveLength(2);
  });

  it("answers 400 with details for bad filters", async () => {
    const app = await createTestApp({ providers: [createFakeProvider("primary")] });
    apps.push(app);
    const response = await app.get("/v1/messages?status=lost&limit=1000&since=yesterday");
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: { path: string }[] } };
    expect(body.error.details.map((detail) => detail.path).sort()).toEqual([
      "limit",
      "since",
      "status[0]",
    ]);
  });
});

describe("GET /v1/providers, health and the OpenAPI document", () => {
  it("reports each provider's breaker and recent counts", async () => {
    const primary = createFakeProvider("primary");
    primary.script({ outcome: "retryable", reason: "network", message: "refused" });
    const app = await createTestApp({ providers: [primary, createFakeProvider("backup")] });
    apps.push(app);
    await app.send(validBody);
    await app.dispatcher.drain();
    const body = (await (await app.get("/v1/providers")).json()) as {
      data: Record<string, unknown>[];
    };
    expect(body.data).toMatchObject([
      {
        name: "primary",
        type: "capture",
        breaker: "closed",
        recent: { attempts: 1, retryable: 1, accepted: 0 },
      },
      { name: "backup", breaker: "closed", recent: { attempts: 1, accepted: 1 } },
    ]);
  });

  it("answers liveness and readiness without a key", async () => {
    const app = await createTestApp({ providers: [createFakeProvider("primary")] });
    apps.push(app);
    expect((await app.app.request("/healthz")).status).toBe(200);
    const notReady = await app.app.request("/readyz");
    expect(notReady.status).toBe(503);
    app.dispatcher.start();
    const ready = await app.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", dispatcher: true, pendingJobs: 0 });
    await app.dispatcher.stop();
  });

  it("serves an OpenAPI document with every route", async () => {
    const app = await createTestApp({ providers: [createFakeProvider("primary")] });
    apps.push(app);
    const document = (await (await app.app.request("/openapi.json")).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        "/healthz",
        "/metrics",
        "/readyz",
        "/v1/api-keys",
        "/v1/api-keys/{id}",
        "/v1/captures",
        "/v1/events",
        "/v1/messages",
        "/v1/messages/batch",
        "/v1/messages/{id}",
        "/v1/messages/{id}/cancel",
        "/v1/messages/{id}/release",
        "/v1/providers",
        "/v1/routes",
        "/v1/routes/simulate",
        "/v1/suppressions",
        "/v1/suppressions/{email}",
        "/v1/templates",
        "/v1/templates/{id}",
        "/v1/templates/{id}/render",
        "/v1/webhook-endpoints",
        "/v1/webhook-endpoints/{id}",
        "/v1/webhook-endpoints/{id}/deliveries",
        "/v1/webhook-endpoints/{id}/replay",
        "/v1/webhook-endpoints/{id}/rotate-secret",
        "/webhooks/{providerName}",
        "/u/{token}",
      ].sort(),
    );
    // The send route is validated outside the generic chain but documented in full.
    const send = (
      document.paths["/v1/messages"] as {
        post: {
          parameters: { name: string; in: string }[];
          requestBody: { content: Record<string, { schema: { properties: object } }> };
        };
      }
    ).post;
    expect(send.parameters).toContainEqual(
      expect.objectContaining({ name: "idempotency-key", in: "header" }),
    );
    expect(
      Object.keys(send.requestBody.content["application/json"]?.schema.properties ?? {}),
    ).toEqual(expect.arrayContaining(["from", "to", "subject", "html", "text"]));
  });
});
