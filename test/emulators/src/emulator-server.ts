import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EmulatorControl, EmulatorFault, LedgerEntry } from "@mailroute/core/testing";

/** A request as an emulator's handler sees it: the raw body already read. */
export interface EmulatorRequest {
  method: string;
  /** Path without the query string, with any configured prefix removed. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** What a handler answers. `accepted` is added to the ledger (unless a fault drops the answer). */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  accepted?: LedgerEntry;
}

/** The provider-specific part of an emulator. */
export interface EmulatorDefinition {
  /** Answers one request; called for every request, faults or not. */
  handle(request: EmulatorRequest): EmulatorResponse | Promise<EmulatorResponse>;
  /** True for the requests that send mail (the ones faults and the request count apply to). */
  isSend(request: EmulatorRequest): boolean;
  /** The provider's own error body for a status, used when a status fault gives none. */
  errorBody(status: number): { body: string; contentType: string };
  /** Largest request body accepted, in bytes (413 above it). */
  maxBodyBytes?: number;
}

/** A running emulator: the control surface tests use. */
export interface RunningEmulator extends EmulatorControl {
  readonly server: Server;
}

interface ActiveFault {
  fault: EmulatorFault;
  remaining: number;
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Starts an emulator on 127.0.0.1 at a random port. Faults apply to send requests only, in the
 * order set; each lasts `times` requests (forever when omitted) until `fault(null)`.
 */
export async function startEmulator(definition: EmulatorDefinition): Promise<RunningEmulator> {
  const ledger: LedgerEntry[] = [];
  let requests = 0;
  let active: ActiveFault | null = null;
  const hanging = new Set<ServerResponse>();
  const maxBodyBytes = definition.maxBodyBytes ?? 30 * 1024 * 1024;

  const counts: Record<string, number> = {};
  const takeFault = (): EmulatorFault | null => {
    if (!active) {
      return null;
    }
    let { fault } = active;
    active.remaining -= 1;
    if (active.remaining <= 0) {
      active = null;
    }
    if (fault.kind === "random") {
      const random = fault.random ?? Math.random;
      const picked =
        random() < fault.rate
          ? fault.faults[Math.floor(random() * fault.faults.length)]
          : undefined;
      if (!picked) {
        return null;
      }
      fault = picked;
    }
    counts[fault.kind] = (counts[fault.kind] ?? 0) + 1;
    return fault;
  };

  const server = createServer(async (incoming, response) => {
    const url = new URL(incoming.url ?? "/", "http://emulator");
    const body = await readBody(incoming, maxBodyBytes);
    if (body === null) {
      const error = definition.errorBody(413);
      response.writeHead(413, { "content-type": error.contentType }).end(error.body);
      return;
    }
    const request: EmulatorRequest = {
      method: incoming.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
      body,
    };
    const isSend = definition.isSend(request);
    const fault = isSend ? takeFault() : null;
    if (isSend) {
      requests += 1;
    }
    if (fault?.kind === "hang") {
      hanging.add(response);
      response.on("close", () => hanging.delete(response));
      return;
    }
    if (fault?.kind === "reset") {
      incoming.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      const error = definition.errorBody(fault.status);
      const headers: Record<string, string> = { "content-type": error.contentType };
      if (fault.retryAfter) {
        headers["retry-after"] = fault.retryAfter;
      }
      response.writeHead(fault.status, headers).end(fault.body ?? error.body);
      return;
    }
    if (fault?.kind === "latency") {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    const answer = await definition.handle(request);
    if (answer.accepted) {
      ledger.push(answer.accepted);
    }
    if (fault?.kind === "acceptThenReset") {
      incoming.socket.destroy();
      return;
    }
    const headers = { "content-type": "application/json", ...answer.headers };
    if (fault?.kind === "slowBody") {
      response.writeHead(answer.status, headers);
      response.flushHeaders();
      const text = answer.body ?? "";
      const steps = Math.max(1, Math.min(text.length, 10));
      const size = Math.ceil(text.length / steps);
      for (let index = 0; index < steps; index += 1) {
        await new Promise((resolve) => setTimeout(resolve, fault.ms / steps));
        response.write(text.slice(index * size, (index + 1) * size));
      }
      response.end();
      return;
    }
    response.writeHead(answer.status, headers).end(answer.body ?? "");
  });
  // Well above the SDKs' 5 s keep-alive, so a pooled socket is never closed under a request.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    ledger: () => [...ledger],
    requestCount: () => requests,
    fault(fault) {
      active = fault ? { fault, remaining: fault.times ?? Number.POSITIVE_INFINITY } : null;
    },
    faultCounts: () => ({ ...counts }),
    reset() {
      ledger.length = 0;
      requests = 0;
      active = null;
      for (const kind of Object.keys(counts)) {
        delete counts[kind];
      }
    },
    async close() {
      for (const response of hanging) {
        response.socket?.destroy();
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
