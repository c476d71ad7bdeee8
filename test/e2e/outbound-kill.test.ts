import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createApiClient, waitUntil } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "e2e-admin-key-0123456789";

describe("outbound webhooks across kill -9", () => {
  const received: IncomingHttpHeaders[] = [];
  let holdFirst = true;
  const receiver: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received.push(request.headers);
      if (holdFirst) {
        // Keep the first delivery open: the sender is killed while it waits.
        holdFirst = false;
        return;
      }
      response.writeHead(204).end();
    });
  });
  let server: ServerProcess | undefined;

  afterAll(async () => {
    await server?.stop();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("delivers again, with the same webhook-id, after the sender is killed mid-delivery", async () => {
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const environment = serverEnvironment({
      prefix: "outbound",
      config: {
        outbound: { allowLoopback: true, pollIntervalMs: 50, timeoutMs: 30_000, leaseMs: 1500 },
      },
      apiKey,
    });
    server = await startServer(environment);
    const api = createApiClient(() => server?.url ?? "", apiKey);
    const response = await fetch(`${server.url}/v1/webhook-endpoints`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ url, eventTypes: ["sent"] }),
    });
    expect(response.status).toBe(201);
    await api.send({ from: "a@acme.test", to: "user@example.com", subject: "Hi", text: "Hello" });

    expect(await waitUntil(async () => received.length === 1, 15_000, 20)).toBe(true);
    await server.kill();
    server = await startServer(environment);
    expect(await waitUntil(async () => received.length >= 2, 15_000, 50)).toBe(true);
    console.log(
      `deliveries_received=${received.length} same_webhook_id=${received[0]?.["webhook-id"] === received[1]?.["webhook-id"]}`,
    );
    expect(received[1]?.["webhook-id"]).toBe(received[0]?.["webhook-id"]);
    expect(received[1]?.["webhook-signature"]).toMatch(/^v1,/);
  });
});
