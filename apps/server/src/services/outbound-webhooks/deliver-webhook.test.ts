import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Socket } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deliverWebhook } from "./deliver-webhook";
import type { HostLookup } from "./resolve-safe-target";
import { signWebhook } from "./sign-webhook";

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

interface TestServer {
  port: number;
  url: (path?: string) => string;
  requests: ReceivedRequest[];
  connections: () => number;
}

const servers: ReturnType<typeof createServer>[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function startServer(
  handler: (request: ReceivedRequest, response: ServerResponse) => void,
): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) {
      chunks.push(chunk as Buffer);
    }
    const received = {
      method: incoming.method ?? "",
      url: incoming.url ?? "",
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    requests.push(received);
    handler(received, response);
  });
  server.on("connection", () => {
    connections += 1;
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new Error("no port");
  }
  return {
    port: address.port,
    url: (path = "/hook") => `http://127.0.0.1:${address.port}${path}`,
    requests,
    connections: () => connections,
  };
}

function lookupReturning(...addresses: string[]): HostLookup {
  return async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
}

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAAAAAAAAAAA=";
const body = '{"type":"email.delivered","timestamp":"2026-03-01T11:59:58Z","data":{"id":"msg_1"}}';

function signedHeaders() {
  return signWebhook({
    id: "evt_1",
    timestamp: Math.floor(Date.now() / 1000),
    body,
    secrets: [secret],
  });
}

describe("deliverWebhook", () => {
  it("POSTs the signed body and reports a 2xx as success", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" }).end("thanks");
    });
    const result = await deliverWebhook({
      url: server.url("/hook?tenant=1"),
      body,
      headers: signedHeaders(),
      allowLoopback: true,
    });
    expect(result).toEqual({
      ok: true,
      status: 200,
      gone: false,
      durationMs: expect.any(Number),
      responseExcerpt: "thanks",
      retryAfterMs: null,
      error: null,
    });
    const [received] = server.requests;
    expect(received?.method).toBe("POST");
    expect(received?.url).toBe("/hook?tenant=1");
    expect(received?.body).toBe(body);
    expect(received?.headers["content-type"]).toBe("application/json");
    const headers = received?.headers as Record<string, string>;
    expect(new Webhook(secret).verify(received?.body ?? "", headers)).toEqual(JSON.parse(body));
  });

  it("connects to the checked address, keeping the URL's host in the Host header", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(204).end();
    });
    // A rebinding resolver: a second lookup would answer with a metadata address.
    const lookup = vi
      .fn<HostLookup>()
      .mockImplementationOnce(lookupReturning("127.0.0.1"))
      .mockImplementation(lookupReturning("169.254.169.254"));
    const result = await deliverWebhook({
      url: `http://receiver.test:${server.port}/hook`,
      body,
      headers: signedHeaders(),
      allowLoopback: true,
      lookup,
    });
    expect(result.ok).toBe(true);
    expect(result.status).toBe(204);
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(server.requests[0]?.headers.host).toBe(`receiver.test:${server.port}`);
  });

  it("reports a 500 as an http_status failure with the response excerpt", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(500).end("database is down");
    });
    const result = await deliverWebhook({
      url: server.url(),
      body,
      headers: signedHeaders(),
      allowLoopback: true,
    });
    expect(result).toMatchObject({
      ok: false,
      status: 500,
      gone: false,
      responseExcerpt: "database is down",
      error: { code: "http_status", message: "HTTP 500" },
    });
  });

  it("flags 410 Gone so the endpoint can be disabled", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(410).end();
    });
    const result = await deliverWebhook({
      url: server.url(),
      body,
      headers: signedHeaders(),
      allowLoopback: true,
    });
    expect(result).toMatchObject({ ok: false, status: 410, gone: true });
    expect(result.error?.code).toBe("http_status");
  });

  it.each([301, 302, 303, 307, 308])(
    "does not follow a %i redirect and reports it as a failure",
    async (status) => {
      const redirectTarget = await startServer((_request, response) => {
        response.writeHead(200).end();
      });
      const server = await startServer((_request, response) => {
        response.writeHead(status, { location: redirectTarget.url("/elsewhere") }).end();
      });
      const result = await deliverWebhook({
        url: server.url(),
        body,
        headers: signedHeaders(),
        allowLoopback: true,
      });
      expect(result).toMatchObject({ ok: false, status, gone: false });
      expect(result.error?.code).toBe("redirect");
      expect(result.error?.message).toContain(redirectTarget.url("/elsewhere"));
      expect(redirectTarget.requests).toHaveLength(0);
      expect(redirectTarget.connections()).toBe(0);
    },
  );

  it("reports a receiver that never answers as a timeout", async () => {
    const server = await startServer(() => {
      // Never answers.
    });
    const result = await deliverWebhook({
      url: server.url(),
      body,
      headers: signedHeaders(),
      allowLoopback: true,
      timeoutMs: 300,
    });
    expect(result).toMatchObject({ ok: false, status: null, responseExcerpt: "" });
    expect(result.error?.code).toBe("timeout");
    expect(server.requests).toHaveLength(1);
  });

  it("keeps the status of an answer whose body stalls past the deadline", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      response.write("partial");
    });
    const result = await deliverWebhook({
      url: server.url(),
      body,
      headers: signedHeaders(),
      allowLoopback: true,
      timeoutMs: 300,
    });
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      responseExcerpt: "partial",
      error: null,
    });
  });

  it("reads at most maxResponseBytes of an endless response body", async () => {
    let serverSawClose = false;
    const server = await startServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      const chunk = "x".repeat(64 * 1024);
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) {
          // Fill the socket buffer, then wait for drain.
        }
      };
      response.on("drain", pump);
      response.on("close", () => {
        serverSawClose = true;
      });
      pump();
    });
    const result = await deliverWebhook({
      url: server.url(),
      body,
      headers: signedHeaders(),
      allowLoopback: true,
      maxResponseBytes: 1000,
    });
    expect(result.ok).toBe(true);
    expect(result.responseExcerpt).toBe("x".repeat(1000));
    await vi.waitFor(() => expect(serverSawClose).toBe(true));
  });

  it("caps the excerpt at 4 KiB by default", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(500).end("y".repeat(1024 * 1024));
    });
    const result = await deliverWebhook({
      url: server.url(),
      body,
      headers: signedHeaders(),
      allowLoopback: true,
    });
    expect(result.status).toBe(500);
    expect(result.responseExcerpt).toHaveLength(4096);
  });

  it("reports Retry-After in milliseconds", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(429, { "retry-after": "120" }).end("slow down");
    });
    const result = await deliverWebhook({
      url: server.url(),
      body,
      headers: signedHeaders(),
      allowLoopback: true,
    });
    expect(result).toMatchObject({ ok: false, status: 429, retryAfterMs: 120_000 });
  });

  it("reports a refused connection as connection_failed", async () => {
    const server = await startServer(() => undefined);
    const port = server.port;
    for (const running of servers.splice(0)) {
      running.close();
      await once(running, "close");
    }
    const result = await deliverWebhook({
      url: `http://127.0.0.1:${port}/hook`,
      body,
      headers: signedHeaders(),
      allowLoopback: true,
    });
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error?.code).toBe("connection_failed");
    expect(result.error?.message).toContain("ECONNREFUSED");
  });

  it("reports an aborted attempt as aborted", async () => {
    const server = await startServer(() => {
      // Never answers; the caller gives up.
    });
    const controller = new AbortController();
    const delivery = deliverWebhook({
      url: server.url(),
      body,
      headers: signedHeaders(),
      allowLoopback: true,
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    const result = await delivery;
    expect(result.error?.code).toBe("aborted");
  });

  it("reports a host that does not resolve as unresolvable", async () => {
    const result = await deliverWebhook({
      url: "https://nowhere.invalid/hook",
      body,
      headers: signedHeaders(),
      lookup: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND nowhere.invalid"), {
          code: "ENOTFOUND",
        });
      },
    });
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error?.code).toBe("unresolvable");
  });
});

describe("deliverWebhook SSRF protection", () => {
  it("opens a socket for an allowed target (the spy below sees connections)", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200).end();
    });
    const connect = vi.spyOn(Socket.prototype, "connect");
    const result = await deliverWebhook({
      url: server.url(),
      body,
      headers: signedHeaders(),
      allowLoopback: true,
    });
    expect(result.ok).toBe(true);
    expect(connect).toHaveBeenCalled();
  });

  it.each([
    ["10.0.0.5", "private"],
    ["169.254.169.254", "link-local"],
    ["fd00:ec2::254", "metadata"],
    ["::ffff:10.0.0.5", "private"],
  ])("refuses a host resolving to %s without opening a socket", async (address, label) => {
    const connect = vi.spyOn(Socket.prototype, "connect");
    const result = await deliverWebhook({
      url: "https://hooks.attacker.example/hook",
      body,
      headers: signedHeaders(),
      allowLoopback: true,
      lookup: lookupReturning(address),
    });
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error?.code).toBe("unsafe_target");
    expect(result.error?.message).toContain(address);
    expect(result.error?.message).toContain(label);
    expect(connect).not.toHaveBeenCalled();
  });

  it("refuses a metadata URL literal without opening a socket", async () => {
    const connect = vi.spyOn(Socket.prototype, "connect");
    const result = await deliverWebhook({
      url: "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      body,
      headers: signedHeaders(),
      allowLoopback: true,
      allowPrivate: true,
    });
    expect(result.error?.code).toBe("unsafe_target");
    expect(connect).not.toHaveBeenCalled();
  });

  it("refuses a host with any unsafe address, even if another is reachable", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200).end();
    });
    const result = await deliverWebhook({
      url: `http://receiver.test:${server.port}/hook`,
      body,
      headers: signedHeaders(),
      allowLoopback: true,
      lookup: lookupReturning("127.0.0.1", "169.254.169.254"),
    });
    expect(result.error?.code).toBe("unsafe_target");
    expect(server.connections()).toBe(0);
  });

  it("refuses loopback when allowLoopback is not set", async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200).end();
    });
    const result = await deliverWebhook({ url: server.url(), body, headers: signedHeaders() });
    expect(result.error?.code).toBe("unsafe_target");
    expect(server.connections()).toBe(0);
  });
});
