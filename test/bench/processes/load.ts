// The load generator: autocannon in its own process on 127.0.0.1, never in the server's.
import { request as httpRequest } from "node:http";
import { createSendGridEventWebhook } from "@mailroute/emulators/sendgrid";
import autocannon from "autocannon";
import { serveCommands } from "../support/child";
import type { CannonCommand, LoadCommand, LoadResult, SequentialCommand } from "../support/load";
import type { LoggedMessage } from "../support/message-log";
import { sendGridEventBatch } from "../support/sendgrid-events";
import { wallNow } from "../support/stats";

const signer = createSendGridEventWebhook();

/** Runs autocannon; every 2xx latency is kept as a float (autocannon's histogram is in whole ms). */
function cannon(command: CannonCommand, requests?: autocannon.Request[]): Promise<LoadResult> {
  const latencies: number[] = [];
  const tracked: LoadResult["tracked"] = [];
  const statusCodes: Record<string, number> = {};
  const paths = command.paths ?? [];
  let nextPath = 0;
  const defaultRequests: autocannon.Request[] = [
    {
      method: command.method,
      ...(paths.length > 0
        ? {
            setupRequest(request) {
              const path = paths[nextPath % paths.length] as string;
              nextPath += 1;
              return { ...request, path };
            },
          }
        : {}),
      ...(command.track
        ? {
            onResponse(status, body) {
              if (status === 202) {
                const id = (JSON.parse(body) as { id: string }).id;
                tracked.push({ id, acceptedAt: wallNow() });
              }
            },
          }
        : {}),
    },
  ];
  const startedAt = wallNow();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: command.url,
        method: command.method,
        headers: command.headers,
        ...(command.body !== undefined ? { body: command.body } : {}),
        connections: command.connections,
        pipelining: 1,
        ...(command.durationSeconds !== undefined ? { duration: command.durationSeconds } : {}),
        ...(command.amount !== undefined ? { amount: command.amount } : {}),
        ...(command.overallRate !== undefined ? { overallRate: command.overallRate } : {}),
        timeout: command.timeoutSeconds ?? 30,
        requests: requests ?? defaultRequests,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const finishedAt = wallNow();
        const ok = result["2xx"];
        resolve({
          startedAt,
          finishedAt,
          ok,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          perSecond: ok / ((finishedAt - startedAt) / 1000),
          latenciesMs: latencies,
          tracked,
        });
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) {
        latencies.push(responseTime);
      }
    });
  });
}

/** Posts signed Event Webhook batches, each new, built and signed as it is sent. */
function webhook(command: Extract<LoadCommand, { kind: "webhook" }>): Promise<LoadResult> {
  let batch = command.firstBatch;
  const url = new URL(command.url);
  const request: autocannon.Request = {
    method: "POST",
    path: url.pathname,
    setupRequest(request) {
      const events = sendGridEventBatch(
        command.messages as LoggedMessage[],
        batch,
        command.batchSize,
        command.startSeconds,
      );
      batch += 1;
      const body = JSON.stringify(events);
      const signed = signer.sign(body, Math.floor(Date.now() / 1000));
      return {
        ...request,
        body,
        headers: {
          "content-type": "application/json",
          "x-twilio-email-event-webhook-signature": signed.signature,
          "x-twilio-email-event-webhook-timestamp": signed.timestamp,
        },
      };
    },
  };
  return cannon(
    {
      kind: "cannon",
      url: url.origin,
      method: "POST",
      headers: {},
      connections: command.connections,
      durationSeconds: command.durationSeconds,
    },
    [request],
  ).then((result) => ({ ...result, batchesSent: batch - command.firstBatch }));
}

function post(url: string, headers: Record<string, string>, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "POST", headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
    request.on("error", reject);
    request.end(body);
  });
}

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

/**
 * One message at a time through the whole system: POST, wait until the emulator holds it, then
 * the next. Each sample is the emulator's arrival time minus the POST's start.
 */
async function sequential(command: SequentialCommand): Promise<LoadResult> {
  const latencies: number[] = [];
  const startedAt = wallNow();
  let count = (await getJson<{ accepted: number }>(`${command.controlUrl}/stats`)).accepted;
  for (let index = 0; index < command.count; index += 1) {
    const sentAt = wallNow();
    await post(command.url, command.headers, command.body);
    count += 1;
    const { at } = await getJson<{ at: number | null }>(
      `${command.controlUrl}/wait?count=${count}&timeoutMs=30000`,
    );
    if (at === null) {
      throw new Error(`message ${index} never reached the emulator`);
    }
    latencies.push(at - sentAt);
  }
  const finishedAt = wallNow();
  return {
    startedAt,
    finishedAt,
    ok: command.count,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    statusCodes: {},
    perSecond: command.count / ((finishedAt - startedAt) / 1000),
    latenciesMs: latencies,
    tracked: [],
  };
}

serveCommands<LoadCommand>({ publicKey: signer.publicKey }, async (command) => {
  switch (command.kind) {
    case "cannon":
      return cannon(command);
    case "webhook":
      return webhook(command);
    case "sequential":
      return sequential(command);
  }
});
