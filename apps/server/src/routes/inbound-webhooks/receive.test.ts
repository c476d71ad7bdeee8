import { basicAuthorization, createFakeProvider, type FakeProvider } from "@mailroute/core/testing";
import { createCaptureWebhook } from "@mailroute/provider-capture";
import { createPostmarkWebhook } from "@mailroute/provider-postmark";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, validBody } from "../../test-support";

const secret = "capture-webhook-secret-01";
const apps: Awaited<ReturnType<typeof createTestApp>>[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
});

async function setup(primary: FakeProvider = createFakeProvider("primary")) {
  const app = await createTestApp({
    providers: [primary],
    inboundWebhookEndpoints: new Map([
      ["primary", { name: "primary", type: "capture", webhook: createCaptureWebhook({ secret }) }],
    ]),
  });
  apps.push(app);
  const post = (body: unknown, authorization = `Bearer ${secret}`, name = "primary") =>
    app.app.request(`/webhooks/${name}`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const sendAndDispatch = async (body: unknown = validBody) => {
    const { id } = (await (await app.send(body)).json()) as { id: string };
    await app.dispatcher.drain();
    return id;
  };
  return { ...app, post, sendAndDispatch, primary };
}

// Provider events happen after the send: a few seconds from now.
const at = (second: number) => new Date(Date.now() + second * 1000).toISOString();

describe("POST /webhooks/:providerName", () => {
  it("refuses a forged request with 401 and stores nothing", async () => {
    const app = await setup();
    const id = await app.sendAndDispatch();
    const response = await app.post(
      {
        events: [
          {
            id: "e1",
            messageId: id,
            recipient: "user@example.com",
            type: "bounced",
            bounce: "hard",
            occurredAt: at(1),
          },
        ],
      },
      "Bearer not-the-secret-000000",
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "WEBHOOK_VERIFICATION_FAILED",
    );
    const suppressions = (await (await app.get("/v1/suppressions")).json()) as { data: unknown[] };
    expect(suppressions.data).toEqual([]);
    const message = (await (await app.get(`/v1/messages/${id}`)).json()) as {
      status: string;
      events: unknown[];
    };
    expect(message.status).toBe("sent");
    expect(message.events).toHaveLength(2);
  });

  it("answers 404 for a provider that receives no webhooks, and 400 for a malformed body", async () => {
    const app = await setup();
    expect((await app.post({ events: [] }, `Bearer ${secret}`, "nobody")).status).toBe(404);
    expect((await app.post({ events: [{ type: "exploded" }] })).status).toBe(400);
  });

  it("puts events on the message's timeline in order, once each", async () => {
    const app = await setup();
    const id = await app.sendAndDispatch();
    const events = [
      {
        id: "e2",
        messageId: id,
        recipient: "user@example.com",
        type: "opened",
        occurredAt: at(2),
        userAgent: "Mail/1.0",
      },
      {
        id: "e1",
        messageId: id,
        recipient: "user@example.com",
        type: "delivered",
        occurredAt: at(1),
      },
      {
        id: "e3",
        messageId: id,
        recipient: "user@example.com",
        type: "clicked",
        occurredAt: at(3),
        url: "https://acme.test/reset",
      },
    ];
    const first = await app.post({ events });
    expect(await first.json()).toEqual({ received: 3, stored: 3, duplicates: 0, orphans: 0 });
    const again = await app.post({ events });
    expect(await again.json()).toEqual({ received: 3, stored: 0, duplicates: 3, orphans: 0 });
    const message = (await (await app.get(`/v1/messages/${id}`)).json()) as {
      status: string;
      recipients: { status: string }[];
      events: { type: string; url: string | null }[];
    };
    expect(message.events.map((event) => event.type)).toEqual([
      "queued",
      "sent",
      "delivered",
      "opened",
      "clicked",
    ]);
    expect(message.events.at(-1)?.url).toBe("https://acme.test/reset");
    expect(message.status).toBe("delivered");
    expect(message.recipients[0]?.status).toBe("clicked");
  });

  it("suppresses a hard bounce, so the next send to the address is rejected without a provider call", async () => {
    const app = await setup();
    const id = await app.sendAndDispatch();
    await app.post({
      events: [
        {
          id: "b1",
          messageId: id,
          recipient: "user@example.com",
          type: "bounced",
          bounce: "hard",
          occurredAt: at(5),
          reason: "550 5.1.1 unknown user",
        },
      ],
    });
    const suppressions = (await (await app.get("/v1/suppressions")).json()) as {
      data: { email: string; reason: string; messageId: string }[];
    };
    expect(suppressions.data).toMatchObject([
      { email: "user@example.com", reason: "hard_bounce", messageId: id },
    ]);
    const callsBefore = app.primary.calls.length;
    const second = await app.sendAndDispatch();
    expect(app.primary.calls.length).toBe(callsBefore);
    const message = (await (await app.get(`/v1/messages/${second}`)).json()) as {
      status: string;
      events: { type: string; reason: string | null }[];
      attempts: unknown[];
    };
    expect(message.status).toBe("rejected");
    expect(message.attempts).toEqual([]);
    expect(message.events.map((event) => [event.type, event.reason])).toEqual([
      ["queued", null],
      ["rejected", "suppressed"],
    ]);
  });

  it("sends to the other recipients when only some are suppressed", async () => {
    const app = await setup();
    await app.app.request("/v1/suppressions", {
      method: "POST",
      headers: app.headers,
      body: JSON.stringify({ email: "gone@example.com" }),
    });
    const id = await app.sendAndDispatch({
      ...validBody,
      to: ["user@example.com", "gone@example.com"],
    });
    expect(app.primary.calls[0]?.message.to).toEqual([{ email: "user@example.com" }]);
    const message = (await (await app.get(`/v1/messages/${id}`)).json()) as {
      status: string;
      recipients: { email: string; status: string }[];
    };
    expect(message.status).toBe("sent");
    expect(message.recipients).toEqual([
      { email: "user@example.com", status: "sent" },
      { email: "gone@example.com", status: "rejected" },
    ]);
  });

  it("answers 5xx when the events cannot be stored, so the provider retries", async () => {
    const app = await setup();
    app.store.recordProviderEvents = async () => {
      throw new Error("disk full");
    };
    const response = await app.post({
      events: [
        { messageId: "msg_x", recipient: "a@example.com", type: "delivered", occurredAt: at(1) },
      ],
    });
    expect(response.status).toBe(500);
  });
});

describe("suppression from a provider's refusal", () => {
  it("suppresses the addresses a provider reports as inactive, without failover", async () => {
    const primary = createFakeProvider("primary");
    primary.script({
      outcome: "permanent",
      reason: "recipient_suppressed",
      message: "Inactive recipient",
      providerCode: "406",
      rejectedRecipients: ["user@example.com"],
    });
    const app = await setup(primary);
    const id = await app.sendAndDispatch();
    expect(
      ((await (await app.get(`/v1/messages/${id}`)).json()) as { status: string }).status,
    ).toBe("failed");
    const suppressions = (await (
      await app.get("/v1/suppressions?email=user@example.com")
    ).json()) as { data: { reason: string; provider: string }[] };
    expect(suppressions.data).toMatchObject([{ reason: "provider_rejected", provider: "primary" }]);
  });
});

describe("GET /v1/events and /v1/suppressions", () => {
  it("pages the feed with a cursor that keeps working after the last event", async () => {
    const app = await setup();
    await app.sendAndDispatch();
    await app.sendAndDispatch();
    const first = (await (await app.get("/v1/events?limit=3")).json()) as {
      data: { type: string }[];
      nextCursor: string;
    };
    const second = (await (
      await app.get(`/v1/events?limit=3&after=${first.nextCursor}`)
    ).json()) as { data: { type: string }[]; nextCursor: string };
    expect([...first.data, ...second.data].map((event) => event.type)).toEqual([
      "queued",
      "sent",
      "queued",
      "sent",
    ]);
    const empty = (await (await app.get(`/v1/events?after=${second.nextCursor}`)).json()) as {
      data: unknown[];
      nextCursor: string;
    };
    expect(empty).toEqual({ data: [], nextCursor: second.nextCursor });
    const sent = (await (await app.get("/v1/events?type=sent")).json()) as { data: unknown[] };
    expect(sent.data).toHaveLength(2);
    expect((await app.get("/v1/events?type=teleported")).status).toBe(400);
  });

  it("adds, lists and lifts suppressions, refusing a bad address", async () => {
    const app = await setup();
    const add = (body: unknown) =>
      app.app.request("/v1/suppressions", {
        method: "POST",
        headers: app.headers,
        body: JSON.stringify(body),
      });
    expect((await add({ email: "a@example.com", note: "asked by phone" })).status).toBe(201);
    expect((await add({ email: "A@example.com" })).status).toBe(200);
    const bad = await add({ email: "nope" });
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0]?.path,
    ).toBe("email");
    const listed = (await (await app.get("/v1/suppressions")).json()) as {
      data: { email: string; note: string }[];
    };
    expect(listed.data).toMatchObject([{ email: "a@example.com", note: "asked by phone" }]);
    const remove = () =>
      app.app.request("/v1/suppressions/a@example.com", { method: "DELETE", headers: app.headers });
    expect((await remove()).status).toBe(204);
    expect((await remove()).status).toBe(404);
  });
});

describe("POST /webhooks/:providerName with a body that is not the provider's", () => {
  const credentials = { username: "postmark-hook", password: "postmark-secret-01" };

  async function setupPostmark() {
    const app = await createTestApp({
      providers: [createFakeProvider("primary")],
      inboundWebhookEndpoints: new Map([
        [
          "postmark",
          { name: "postmark", type: "postmark", webhook: createPostmarkWebhook(credentials) },
        ],
      ]),
    });
    apps.push(app);
    const post = (body: string) =>
      app.app.request("/webhooks/postmark", {
        method: "POST",
        headers: {
          authorization: basicAuthorization(credentials.username, credentials.password),
          "content-type": "application/json",
        },
        body,
      });
    return { ...app, post };
  }

  it("answers 400 to an authentic request whose body has no Postmark record shape, and stores nothing", async () => {
    const app = await setupPostmark();
    const response = await app.post('{"x":1}');
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("INVALID_WEBHOOK_PAYLOAD");
    expect(error.message).toMatch(/Postmark webhook body is not a Postmark record: .*RecordType/s);
    expect((await app.store.listEvents({ limit: 100 })).data).toEqual([]);
    // The same credentials with a Postmark record are taken: the body alone was refused.
    const delivery = await app.post(
      JSON.stringify({
        RecordType: "Delivery",
        MessageID: "pm-1",
        Recipient: "user@example.com",
        DeliveredAt: at(1),
      }),
    );
    expect(delivery.status).toBe(200);
    expect((await app.store.listEvents({ limit: 100 })).data).toHaveLength(1);
  });

  it("answers 400 to a deeply nested body and stores nothing, instead of failing (500) on every retry", async () => {
    // Postmark keeps fields it does not know in the raw event, so the nesting reaches the store.
    const app = await setupPostmark();
    const delivery = JSON.stringify({
      RecordType: "Delivery",
      MessageID: "883953f4-6105-42a2-a16a-77a8eac79483",
      Recipient: "user@example.com",
      DeliveredAt: "2014-08-01T13:28:10.2735393-04:00",
      Details: "[[not nesting]]",
      Extra: "{levels}",
    });
    const nested = (levels: number) =>
      app.post(delivery.replace('"{levels}"', `${"[".repeat(levels)}${"]".repeat(levels)}`));
    const deep = await nested(10_000);
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { error: { code: string } }).error.code).toBe(
      "INVALID_WEBHOOK_PAYLOAD",
    );
    expect((await app.store.listEvents({ limit: 100 })).data).toEqual([]);
    // The same event nested within the bound is stored.
    expect(await (await nested(60)).json()).toMatchObject({ received: 1, stored: 1 });
  });
});
