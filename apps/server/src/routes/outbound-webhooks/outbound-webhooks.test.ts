import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Socket } from "node:net";
import { createFakeProvider } from "@mailroute/core/testing";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTestApp, validBody } from "../../test-support";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const close of closers.splice(0)) {
    await close();
  }
});

/** A receiver that answers each request with the next status from `statuses` (then 200). */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(statuses.shift() ?? 200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function setup() {
  const app = await createTestApp({ providers: [createFakeProvider("primary")] });
  closers.push(app.close);
  const call = (method: string, path: string, body?: unknown) =>
    app.app.request(path, {
      method,
      headers: app.headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const createEndpoint = async (body: Record<string, unknown>) => {
    const response = await call("POST", "/v1/webhook-endpoints", body);
    return {
      status: response.status,
      endpoint: (await response.json()) as {
        id: string;
        secret: string;
        enabled: boolean;
        disabledReason: string | null;
      },
    };
  };
  const sendAndDeliver = async () => {
    const { id } = (await (await app.send(validBody)).json()) as { id: string };
    await app.dispatcher.drain();
    await app.outboundWorker.drain();
    return id;
  };
  return { ...app, call, createEndpoint, sendAndDeliver };
}

function verify(secret: string, received: Received) {
  return new Webhook(secret).verify(received.body, {
    "webhook-id": String(received.headers["webhook-id"]),
    "webhook-timestamp": String(received.headers["webhook-timestamp"]),
    "webhook-signature": String(received.headers["webhook-signature"]),
  }) as { type: string; data: { messageId: string; type: string } };
}

describe("/v1/webhook-endpoints", () => {
  it("delivers each event signed, and retries a failing receiver until its fourth try succeeds", async () => {
    const app = await setup();
    const target = await receiver([500, 503, 502]);
    const { status, endpoint } = await app.createEndpoint({
      url: target.url,
      eventTypes: ["sent"],
    });
    expect(status).toBe(201);
    expect(endpoint.secret).toMatch(/^whsec_/);
    const messageId = await app.sendAndDeliver();
    for (let round = 0; round < 3; round += 1) {
      await app.outboundWorker.drain();
    }
    expect(target.received).toHaveLength(4);
    const last = target.received[3]!;
    expect(verify(endpoint.secret, last)).toMatchObject({
      type: "message.sent",
      data: { messageId, type: "sent" },
    });
    expect(new Set(target.received.map((request) => request.headers["webhook-id"])).size).toBe(1);
    const deliveries = (await (
      await app.call("GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`)
    ).json()) as {
      data: { status: string; attempts: { status: number }[] }[];
    };
    expect(deliveries.data).toMatchObject([{ status: "delivered" }]);
    expect(deliveries.data[0]?.attempts.map((attempt) => attempt.status)).toEqual([
      500, 503, 502, 200,
    ]);
  });

  it("sends only the chosen event types, and only events after the endpoint was created", async () => {
    const app = await setup();
    await app.sendAndDeliver();
    const target = await receiver();
    await app.createEndpoint({ url: target.url, eventTypes: ["queued"] });
    await app.sendAndDeliver();
    expect(
      target.received.map((request) => (JSON.parse(request.body) as { type: string }).type),
    ).toEqual(["message.queued"]);
  });

  it("delivers a cancelled message's cancelled event, signed like every other", async () => {
    const app = await setup();
    const target = await receiver();
    const { endpoint } = await app.createEndpoint({ url: target.url, eventTypes: ["cancelled"] });
    const sendAt = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const { id } = (await (await app.send({ ...validBody, sendAt })).json()) as { id: string };
    expect((await app.call("POST", `/v1/messages/${id}/cancel`)).status).toBe(200);
    await app.outboundWorker.drain();
    expect(target.received).toHaveLength(1);
    const event = verify(endpoint.secret, target.received[0]!);
    expect(event).toMatchObject({ type: "message.cancelled", data: { messageId: id } });
  });

  it("disables the endpoint when it answers 410 Gone", async () => {
    const app = await setup();
    const target = await receiver([410]);
    const { endpoint } = await app.createEndpoint({ url: target.url, eventTypes: ["sent"] });
    await app.sendAndDeliver();
    const after = (await (
      await app.call("GET", `/v1/webhook-endpoints/${endpoint.id}`)
    ).json()) as { enabled: boolean; disabledReason: string };
    expect(after).toMatchObject({
      enabled: false,
      disabledReason: "the endpoint answered 410 Gone",
    });
    await app.sendAndDeliver();
    expect(target.received).toHaveLength(1);
    const enabled = (await (
      await app.call("PATCH", `/v1/webhook-endpoints/${endpoint.id}`, { enabled: true })
    ).json()) as { enabled: boolean; disabledReason: null };
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null });
  });

  it("refuses a private or metadata address without opening a socket", async () => {
    const app = await setup();
    const connect = vi.spyOn(Socket.prototype, "connect");
    for (const url of [
      "http://10.0.0.5/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://[fd00:ec2::254]/",
    ]) {
      const { status, endpoint } = await app.createEndpoint({ url });
      expect(status, url).toBe(400);
      expect(
        (endpoint as unknown as { error: { details: { path: string }[] } }).error.details[0]?.path,
      ).toBe("url");
    }
    expect(connect).not.toHaveBeenCalled();
    expect((await app.createEndpoint({ url: "ftp://example.com/" })).status).toBe(400);
    expect(await app.store.listEndpoints()).toEqual([]);
  });

  it("replays a delivery with the same webhook-id", async () => {
    const app = await setup();
    const target = await receiver();
    const { endpoint } = await app.createEndpoint({ url: target.url, eventTypes: ["sent"] });
    await app.sendAndDeliver();
    const deliveries = (await (
      await app.call("GET", `/v1/webhook-endpoints/${endpoint.id}/deliveries`)
    ).json()) as { data: { id: string }[] };
    const response = await app.call("POST", `/v1/webhook-endpoints/${endpoint.id}/replay`, {
      deliveryId: deliveries.data[0]?.id,
    });
    expect(await response.json()).toEqual({ replayed: 1 });
    await app.outboundWorker.drain();
    expect(target.received).toHaveLength(2);
    expect(target.received[1]?.headers["webhook-id"]).toBe(
      target.received[0]?.headers["webhook-id"],
    );
    const range = await app.call("POST", `/v1/webhook-endpoints/${endpoint.id}/replay`, {
      since: new Date(Date.now() - 60_000).toISOString(),
      until: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(await range.json()).toEqual({ replayed: 1 });
    expect(
      (
        await app.call("POST", `/v1/webhook-endpoints/${endpoint.id}/replay`, {
          deliveryId: "nope",
        })
      ).status,
    ).toBe(404);
  });

  it("signs with both secrets during a rotation's grace period", async () => {
    const app = await setup();
    const target = await receiver();
    const { endpoint } = await app.createEndpoint({ url: target.url, eventTypes: ["sent"] });
    const rotated = (await (
      await app.call("POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {
        graceSeconds: 3600,
      })
    ).json()) as {
      secret: string;
      secretRotationEndsAt: string;
    };
    expect(rotated.secret).not.toBe(endpoint.secret);
    await app.sendAndDeliver();
    const delivered = target.received[0]!;
    expect(String(delivered.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verify(rotated.secret, delivered).type).toBe("message.sent");
    expect(verify(endpoint.secret, delivered).type).toBe("message.sent");
  });

  it("lists without secrets, and deletes", async () => {
    const app = await setup();
    const target = await receiver();
    const { endpoint } = await app.createEndpoint({ url: target.url, description: "billing app" });
    const listed = (await (await app.call("GET", "/v1/webhook-endpoints")).json()) as {
      data: Record<string, unknown>[];
    };
    expect(listed.data).toMatchObject([{ id: endpoint.id, description: "billing app" }]);
    expect(listed.data[0]).not.toHaveProperty("secret");
    expect((await app.call("DELETE", `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(204);
    expect((await app.call("GET", `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
  });
});
