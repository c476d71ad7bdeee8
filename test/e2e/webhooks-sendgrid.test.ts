import type { RunningEmulator } from "@mailroute/emulators";
import {
  createSendGridEventWebhook,
  type SendGridEventWebhook,
  sendGridTestApiKey,
  startSendGridEmulator,
} from "@mailroute/emulators/sendgrid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, waitUntil } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "e2e-admin-key-0123456789";

interface Message {
  status: string;
  recipients: { email: string; status: string }[];
  events: {
    type: string;
    provider: string;
    occurredAt: string;
    bounce: string | null;
    url: string | null;
  }[];
  attempts: unknown[];
}

describe("SendGrid webhooks into the delivery log", () => {
  let emulator: RunningEmulator;
  let signer: SendGridEventWebhook;
  let server: ServerProcess | undefined;
  const api = createApiClient(() => server?.url ?? "", apiKey);
  const body = {
    from: "Acme <noreply@acme.test>",
    to: "user@example.com",
    subject: "Receipt",
    text: "Thanks",
  };

  beforeAll(async () => {
    emulator = await startSendGridEmulator();
    signer = createSendGridEventWebhook();
    server = await startServer(
      serverEnvironment({
        prefix: "webhooks",
        config: {
          providers: [
            {
              name: "sendgrid",
              type: "sendgrid",
              apiKey: sendGridTestApiKey,
              baseUrl: emulator.baseUrl,
              webhook: { publicKey: signer.publicKey },
            },
          ],
        },
        apiKey,
      }),
    );
  });

  afterAll(async () => {
    await server?.stop();
    await emulator?.close();
  });

  it("records signed events in order, suppresses the bounce, rejects the next send and refuses forgeries", async () => {
    const { id } = await api.send(body);
    await waitUntil(
      async () => (await api.get<Message>(`/v1/messages/${id}`)).status === "sent",
      10_000,
    );
    const entry = emulator.ledger()[0];
    expect(entry?.mailrouteId).toBe(id);

    const start = Math.floor(Date.now() / 1000) + 1;
    const events = signer.eventsFor(
      entry!,
      "user@example.com",
      ["delivered", "open", "click", "bounce"],
      start,
    );
    const url = `${server!.url}/webhooks/sendgrid`;

    const forged = await signer.post(url, events, { forge: true });
    expect(forged.status).toBe(401);
    expect((await api.get<Message>(`/v1/messages/${id}`)).events).toHaveLength(2);

    const accepted = await signer.post(url, events);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({
      received: 4,
      stored: 4,
      duplicates: 0,
      orphans: 0,
    });
    const redelivered = await signer.post(url, events);
    expect(await redelivered.json()).toMatchObject({ stored: 0, duplicates: 4 });

    const message = await api.get<Message>(`/v1/messages/${id}`);
    expect(message.events.map((event) => event.type)).toEqual([
      "queued",
      "sent",
      "delivered",
      "opened",
      "clicked",
      "bounced",
    ]);
    expect(message.events.find((event) => event.type === "clicked")?.url).toBe(
      "https://acme.test/receipt",
    );
    expect(message.events.find((event) => event.type === "bounced")?.bounce).toBe("hard");
    expect(message.status).toBe("bounced");

    const suppressions = await api.get<{ data: { email: string; reason: string }[] }>(
      "/v1/suppressions",
    );
    expect(suppressions.data).toMatchObject([{ email: "user@example.com", reason: "hard_bounce" }]);

    const second = await api.send(body);
    await waitUntil(
      async () => (await api.get<Message>(`/v1/messages/${second.id}`)).status === "rejected",
      10_000,
    );
    const rejected = await api.get<Message>(`/v1/messages/${second.id}`);
    expect(rejected).toMatchObject({ status: "rejected", attempts: [] });
    expect(emulator.ledger()).toHaveLength(1);
    expect(emulator.requestCount()).toBe(1);

    const feed = await api.get<{ data: { type: string; messageId: string }[] }>(
      "/v1/events?type=bounced,rejected",
    );
    expect(feed.data.map((event) => [event.type, event.messageId])).toEqual([
      ["bounced", id],
      ["rejected", second.id],
    ]);
  });
});
