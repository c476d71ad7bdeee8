import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** One request that went through the proxy, and what mailroute answered it. */
export interface ProxiedExchange {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  /** Null when the proxy answered itself instead of forwarding. */
  upstream: { status: number; headers: Headers; body: string } | null;
}

/**
 * What the proxy does with a request: `forward` it; `drop` (forward it, let mailroute commit,
 * then cut the connection before any answer reaches the client); `hang` (never answer); or
 * answer it itself.
 */
export type ProxyAction =
  | "forward"
  | "drop"
  | "hang"
  | { status: number; headers?: Record<string, string>; body?: string };

/** An HTTP proxy in front of mailroute that can lose answers or stand in for an overloaded one. */
export async function startFaultyProxy(
  upstream: string,
  decide: (exchange: { method: string; path: string; index: number }) => ProxyAction,
) {
  const exchanges: ProxiedExchange[] = [];
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const method = request.method ?? "GET";
    const path = request.url ?? "/";
    const action = decide({ method, path, index: exchanges.length });
    const exchange: ProxiedExchange = {
      method,
      path,
      idempotencyKey: request.headers["idempotency-key"] as string | undefined,
      upstream: null,
    };
    exchanges.push(exchange);
    if (action === "hang") {
      return;
    }
    if (typeof action === "object") {
      response.writeHead(action.status, action.headers).end(action.body ?? "");
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "connection") {
        headers.set(name, value);
      }
    }
    const answer = await fetch(`${upstream}${path}`, {
      method,
      headers,
      body: body.length > 0 ? body : undefined,
    });
    exchange.upstream = {
      status: answer.status,
      headers: answer.headers,
      body: await answer.text(),
    };
    if (action === "drop") {
      // mailroute has committed and answered; the client never hears of it.
      request.socket.destroy();
      return;
    }
    const outgoing: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== "content-length" && name !== "transfer-encoding" && name !== "connection") {
        outgoing[name] = value;
      }
    });
    response.writeHead(answer.status, outgoing).end(exchange.upstream.body);
  });
  const url = await listen(server);
  return { url, exchanges, close: () => close(server) };
}

/** A delivery that reached the receiver: its exact bytes and headers. */
export interface ReceivedWebhook {
  rawBody: Buffer;
  headers: IncomingMessage["headers"];
}

/** An application's webhook endpoint: answers 204 and keeps every request as received. */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const server = createServer(async (request, response) => {
    received.push({ rawBody: await readBody(request), headers: request.headers });
    response.writeHead(204).end();
  });
  const url = await listen(server);
  return { url, received, close: () => close(server) };
}
