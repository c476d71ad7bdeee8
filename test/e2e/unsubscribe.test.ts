import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, waitUntil } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "e2e-admin-key-0123456789";
// Where recipients would reach mailroute; the test posts the link's path to the server itself.
const publicUrl = "https://mail.example.test";

interface Captured {
  messageId: string;
  message: { headers: Record<string, string> };
}

describe("one-click unsubscribe (RFC 8058) through a real server and the capture provider", () => {
  let server: ServerProcess | undefined;
  let bare: ServerProcess | undefined;
  const api = createApiClient(() => server?.url ?? "", apiKey);
  const webhooks: { type: string; data: { messageId: string; recipient: string } }[] = [];
  const receiver: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      webhooks.push(JSON.parse(body));
      response.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    server = await startServer(
      serverEnvironment({
        prefix: "unsubscribe",
        config: {
          server: { publicUrl },
          outbound: { allowLoopback: true, pollIntervalMs: 50 },
        },
        apiKey,
      }),
    );
    const endpoint = await fetch(`${server.url}/v1/webhook-endpoints`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
        eventTypes: ["unsubscribed"],
      }),
    });
    expect(endpoint.status).toBe(201);
  });

  afterAll(async () => {
    await server?.stop();
    await bare?.stop();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  /** Sends a one-recipient message with unsubscribe: true and returns its captured link path. */
  async function sendWithLink(to: string): Promise<{ id: string; path: string }> {
    const answer = await api.send({
      from: "Acme News <news@acme.test>",
      to,
      subject: "This week",
      text: "News",
      unsubscribe: true,
    });
    expect(answer.status).toBe(202);
    let capture: Captured | undefined;
    await waitUntil(async () => {
      const page = await api.get<{ data: Captured[] }>(
        `/v1/captures?messageId=${answer.id}&include=content`,
      );
      capture = page.data[0];
      return capture !== undefined;
    }, 10_000);
    const headers = capture?.message.headers ?? {};
    expect(headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const url = /^<(.+)>$/.exec(headers["List-Unsubscribe"] ?? "")?.[1] ?? "";
    expect(url.startsWith(`${publicUrl}/u/${answer.id}.`)).toBe(true);
    return { id: answer.id as string, path: new URL(url).pathname };
  }

  const oneClick = (path: string) =>
    fetch(`${server?.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
  const suppressed = async () =>
    (await api.get<{ data: { email: string }[] }>("/v1/suppressions")).data.map(
      (entry) => entry.email,
    );
  const unsubscribedEvents = async () =>
    (
      await api.get<{ data: { messageId: string; recipient: string }[] }>(
        "/v1/events?type=unsubscribed",
      )
    ).data;

  it("suppresses exactly the link's recipient, once, in the feed, the timeline and the webhooks", async () => {
    const first = await sendWithLink("reader@example.com");
    const second = await sendWithLink("other-reader@example.com");

    // A scanner's GET shows the form and changes nothing.
    const page = await fetch(`${server?.url}${first.path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post">');
    expect(await suppressed()).toEqual([]);

    // One character changed, or another message's id under this signature: 404, nothing changes.
    const last = first.path.at(-1) === "A" ? "B" : "A";
    const signature = first.path.split(".")[1];
    for (const forged of [`${first.path.slice(0, -1)}${last}`, `/u/${second.id}.${signature}`]) {
      expect((await oneClick(forged)).status, forged).toBe(404);
    }
    expect(await suppressed()).toEqual([]);
    expect(await unsubscribedEvents()).toEqual([]);

    const answer = await oneClick(first.path);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain("You are unsubscribed");
    expect((await oneClick(first.path)).status).toBe(200);

    expect(await suppressed()).toEqual(["reader@example.com"]);
    expect(await unsubscribedEvents()).toEqual([
      expect.objectContaining({ messageId: first.id, recipient: "reader@example.com" }),
    ]);
    const message = await api.get<{ events: { type: string; recipient: string }[] }>(
      `/v1/messages/${first.id}`,
    );
    expect(message.events).toContainEqual(
      expect.objectContaining({ type: "unsubscribed", recipient: "reader@example.com" }),
    );
    expect(await waitUntil(async () => webhooks.length > 0, 10_000, 50)).toBe(true);
    expect(webhooks).toEqual([
      expect.objectContaining({
        type: "message.unsubscribed",
        data: expect.objectContaining({ messageId: first.id, recipient: "reader@example.com" }),
      }),
    ]);
  });

  it("keeps a message's tracking flags in its capture, where nothing is tracked", async () => {
    const answer = await api.send({
      from: "news@acme.test",
      to: "tracked@example.com",
      subject: "s",
      text: "t",
      tracking: { opens: false, clicks: true },
    });
    let captured: { message: { tracking?: unknown } } | undefined;
    await waitUntil(async () => {
      const page = await api.get<{ data: { message: { tracking?: unknown } }[] }>(
        `/v1/captures?messageId=${answer.id}&include=content`,
      );
      captured = page.data[0];
      return captured !== undefined;
    }, 10_000);
    expect(captured?.message.tracking).toEqual({ opens: false, clicks: true });
  });

  it("refuses unsubscribe: true for more than one recipient with 422", async () => {
    const response = await fetch(`${server?.url}/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        from: "news@acme.test",
        to: ["a@example.com", "b@example.com"],
        subject: "s",
        text: "t",
        unsubscribe: true,
      }),
    });
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain("one message per recipient");
  });

  it("refuses unsubscribe: true with 422 on a server without server.publicUrl", async () => {
    bare = await startServer(serverEnvironment({ prefix: "unsubscribe-bare", config: {}, apiKey }));
    const response = await fetch(`${bare.url}/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        from: "news@acme.test",
        to: "a@example.com",
        subject: "s",
        text: "t",
        unsubscribe: true,
      }),
    });
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain("server.publicUrl");
  });
});
