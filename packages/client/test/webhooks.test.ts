import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mailroute, type OutboundEvent, WebhookVerificationError } from "../src/index";
import { type ReceivedWebhook, startWebhookReceiver } from "./support/http-fixtures";
import {
  adminKey,
  type RunningMailroute,
  startMailroute,
  waitUntil,
} from "./support/mailroute-server";

describe("Mailroute.webhooks.verify on real outbound deliveries", () => {
  let server: RunningMailroute;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let mr: Mailroute;
  let endpoint: { id: string; secret: string };
  let delivery: ReceivedWebhook;
  let messageId: string;

  beforeAll(async () => {
    server = await startMailroute();
    receiver = await startWebhookReceiver();
    mr = new Mailroute({ baseUrl: server.url, apiKey: adminKey });
    const created = await mr.webhookEndpoints.create({
      url: `${receiver.url}/hooks/mailroute`,
      eventTypes: ["sent"],
      description: "client tests",
    });
    endpoint = { id: created.id, secret: created.secret ?? "" };
    messageId = (
      await mr.messages.send({
        from: "noreply@acme.test",
        to: "hook@example.com",
        subject: "Hook",
        text: "h",
      })
    ).id;
    await waitUntil(async () => receiver.received.length > 0);
    delivery = receiver.received[0] as ReceivedWebhook;
  });
  afterAll(async () => {
    await receiver.close();
    await server.close();
  });

  it("answers the typed event of a delivery signed with the endpoint's secret", async () => {
    expect(endpoint.secret).toMatch(/^whsec_/);
    const event: OutboundEvent = await Mailroute.webhooks.verify(
      delivery.rawBody,
      delivery.headers,
      endpoint.secret,
    );
    expect(event).toMatchObject({
      type: "message.sent",
      data: { messageId, type: "sent", recipient: "hook@example.com" },
    });
    // A web Headers object and the body as text verify the same.
    const asText = await Mailroute.webhooks.verify(
      delivery.rawBody.toString("utf8"),
      new Headers(delivery.headers as Record<string, string>),
      endpoint.secret,
    );
    expect(asText).toEqual(event);
  });

  it("refuses a tampered body, another secret, and a stale or missing timestamp", async () => {
    const tampered = delivery.rawBody
      .toString("utf8")
      .replace("hook@example.com", "evil@example.com");
    await expect(
      Mailroute.webhooks.verify(tampered, delivery.headers, endpoint.secret),
    ).rejects.toBeInstanceOf(WebhookVerificationError);
    const otherSecret = `whsec_${btoa("another secret of 32 bytes......")}`;
    await expect(
      Mailroute.webhooks.verify(delivery.rawBody, delivery.headers, otherSecret),
    ).rejects.toThrow(/no webhook-signature matches/);
    const signedAt = Number(delivery.headers["webhook-timestamp"]) * 1000;
    await expect(
      Mailroute.webhooks.verify(delivery.rawBody, delivery.headers, endpoint.secret, {
        now: signedAt + 301_000,
      }),
    ).rejects.toThrow(/too old/);
    const { "webhook-timestamp": _dropped, ...withoutTimestamp } = delivery.headers;
    await expect(
      Mailroute.webhooks.verify(delivery.rawBody, withoutTimestamp, endpoint.secret),
    ).rejects.toThrow(/missing/);
  });

  it("lists, replays and re-signs deliveries through the webhookEndpoints namespace", async () => {
    await waitUntil(
      async () =>
        (await mr.webhookEndpoints.deliveries(endpoint.id)).data[0]?.status === "delivered",
    );
    const [first] = (await mr.webhookEndpoints.deliveries(endpoint.id, { status: "delivered" }))
      .data;
    expect(first).toMatchObject({ status: "delivered" });
    const rotated = await mr.webhookEndpoints.rotateSecret(endpoint.id, { graceSeconds: 60 });
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(await mr.webhookEndpoints.replay(endpoint.id, { deliveryId: first?.id ?? "" })).toEqual({
      replayed: 1,
    });
    await waitUntil(async () => receiver.received.length > 1);
    const replayed = receiver.received[1] as ReceivedWebhook;
    // During the grace period a replay is signed by both secrets: either one verifies it.
    for (const secret of [endpoint.secret, rotated.secret ?? ""]) {
      const event = await Mailroute.webhooks.verify(replayed.rawBody, replayed.headers, secret);
      expect(event.data.messageId).toBe(messageId);
    }
    const ids: string[] = [];
    for await (const item of mr.webhookEndpoints.iterateDeliveries(endpoint.id, { limit: 1 })) {
      ids.push(item.id);
    }
    expect(ids).toEqual([first?.id]);
  });

  it("reads, updates, lists and deletes endpoints", async () => {
    const updated = await mr.webhookEndpoints.update(endpoint.id, { enabled: false });
    expect(updated).toMatchObject({ id: endpoint.id, enabled: false });
    expect((await mr.webhookEndpoints.get(endpoint.id)).enabled).toBe(false);
    expect((await mr.webhookEndpoints.list()).data.map((item) => item.id)).toEqual([endpoint.id]);
    expect(await mr.webhookEndpoints.delete(endpoint.id)).toBeUndefined();
    await expect(mr.webhookEndpoints.get(endpoint.id)).rejects.toMatchObject({ status: 404 });
  });
});
