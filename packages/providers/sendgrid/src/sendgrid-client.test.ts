import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createSendGridAgents,
  createSendGridClient,
  type SendGridProgress,
} from "./sendgrid-client";

const agents = createSendGridAgents();
const closers: (() => void)[] = [];

function closeServers() {
  for (const close of closers.splice(0)) {
    close();
  }
}

afterEach(closeServers);

/** A server that reads each request whole, then lets the test answer it (or not). */
async function startServer(answer: (response: ServerResponse) => void) {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => answer(response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function send(baseUrl: string, progress: SendGridProgress, signal = AbortSignal.timeout(5000)) {
  const client = createSendGridClient({ apiKey: "SG.key", baseUrl, signal, agents, progress });
  return client.request({ method: "POST", url: "/v3/mail/send", body: {} });
}

describe("createSendGridClient", () => {
  it("records the connection and the response head", async () => {
    const baseUrl = await startServer((response) => {
      response.writeHead(202, { "x-message-id": "id-1" }).end();
    });
    const progress: SendGridProgress = { connected: false };
    const [response] = await send(baseUrl, progress);
    expect(response.statusCode).toBe(202);
    expect(progress.connected).toBe(true);
    expect(progress.response).toMatchObject({ status: 202, headers: { "x-message-id": "id-1" } });
  });

  it("records no connection when it is refused", async () => {
    const baseUrl = await startServer(() => {});
    closeServers();
    const progress: SendGridProgress = { connected: false };
    await expect(send(baseUrl, progress)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect(progress.connected).toBe(false);
  });

  it("aborts through the signal while waiting for the answer", async () => {
    const baseUrl = await startServer(() => {});
    const controller = new AbortController();
    const progress: SendGridProgress = { connected: false };
    const pending = send(baseUrl, progress, controller.signal);
    await new Promise<void>((resolve) => {
      const check = () => (progress.connected ? resolve() : setImmediate(check));
      check();
    });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "ERR_CANCELED" });
    expect(progress.response).toBeUndefined();
  });
});
