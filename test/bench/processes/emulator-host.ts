// A SendGrid emulator in its own process, so it never shares the server's CPU, plus a control
// endpoint on 127.0.0.1: how many messages it accepted and when each arrived, faults, reset.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EmulatorFault } from "@mailroute/core/testing";
import { startSendGridEmulator } from "@mailroute/emulators/sendgrid";
import { serveCommands } from "../support/child";
import { wallNow } from "../support/stats";

const emulator = await startSendGridEmulator();

// Arrival = the moment the emulator finished answering 202: the message is in its ledger.
let arrivals: { providerMessageId: string; at: number }[] = [];
let waiters: { count: number; resolve(): void }[] = [];

/** Calls `onId` with the X-Message-Id the emulator answers with (it passes it to writeHead). */
function watchMessageId(response: ServerResponse, onId: (id: string) => void): void {
  type WriteHead = (...args: unknown[]) => ServerResponse;
  const writeHead = response.writeHead.bind(response) as WriteHead;
  (response as unknown as { writeHead: WriteHead }).writeHead = (...args) => {
    const headers = args.find((arg) => typeof arg === "object" && arg !== null);
    const id = (headers as Record<string, unknown> | undefined)?.["x-message-id"];
    if (typeof id === "string") {
      onId(id);
    }
    return writeHead(...args);
  };
}

emulator.server.on("request", (request, response: ServerResponse) => {
  if (request.method !== "POST" || request.url !== "/v3/mail/send") {
    return;
  }
  let providerMessageId = "";
  watchMessageId(response, (id) => {
    providerMessageId = id;
  });
  response.once("finish", () => {
    if (response.statusCode !== 202) {
      return;
    }
    arrivals.push({ providerMessageId, at: wallNow() });
    waiters = waiters.filter((waiter) => {
      if (arrivals.length >= waiter.count) {
        waiter.resolve();
        return false;
      }
      return true;
    });
  });
});

/** Resolves with the arrival time of the `count`-th message, or null after `timeoutMs`. */
function waitFor(count: number, timeoutMs: number): Promise<number | null> {
  const at = () => arrivals[count - 1]?.at ?? null;
  if (arrivals.length >= count) {
    return Promise.resolve(at());
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiters = waiters.filter((waiter) => waiter !== entry);
      resolve(null);
    }, timeoutMs);
    const entry = {
      count,
      resolve() {
        clearTimeout(timer);
        resolve(at());
      },
    };
    waiters.push(entry);
  });
}

function arrivalsById(): Record<string, number> {
  const idOf = new Map<string, string | null>();
  for (const entry of emulator.ledger()) {
    idOf.set(entry.providerMessageId, entry.mailrouteId);
  }
  const byId: Record<string, number> = {};
  for (const arrival of arrivals) {
    const id = idOf.get(arrival.providerMessageId);
    if (id) {
      byId[id] = arrival.at;
    }
  }
  return byId;
}

function reset(): void {
  emulator.reset();
  arrivals = [];
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

const control = createServer(async (request, response) => {
  const url = new URL(request.url ?? "/", "http://control");
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks).toString("utf8");
  if (url.pathname === "/stats") {
    json(response, 200, { accepted: arrivals.length, requests: emulator.requestCount() });
  } else if (url.pathname === "/wait") {
    const count = Number(url.searchParams.get("count"));
    const timeoutMs = Number(url.searchParams.get("timeoutMs") ?? 60_000);
    json(response, 200, { at: await waitFor(count, timeoutMs), accepted: arrivals.length });
  } else if (url.pathname === "/arrivals") {
    json(response, 200, arrivalsById());
  } else if (url.pathname === "/fault" && request.method === "POST") {
    emulator.fault(JSON.parse(body) as EmulatorFault | null);
    json(response, 200, { ok: true });
  } else if (url.pathname === "/reset" && request.method === "POST") {
    reset();
    json(response, 200, { ok: true });
  } else {
    json(response, 404, { error: "not found" });
  }
});
control.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
const { port } = control.address() as AddressInfo;

process.on("SIGTERM", () => {
  control.close();
  void emulator.close().then(() => process.exit(0));
});

serveCommands({ baseUrl: emulator.baseUrl, controlUrl: `http://127.0.0.1:${port}` }, async () => {
  throw new Error("the emulator host is driven over HTTP");
});
