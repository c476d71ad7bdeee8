import { request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { createApiClient } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "e2e-admin-key-0123456789";
const size = 500;
// Refused items: a bad address, no subject nor body, an unknown field.
const invalid = new Set([10, 250, 499]);
const valid = size - invalid.size;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When a round's kill lands, counted from the moment the request's body was written. */
interface KillPoint {
  name: string;
  wait(context: { url: string; tag: string; answered: Promise<number | null> }): Promise<unknown>;
}
// From before the server has read the body to after it answered (a 500-message batch takes some
// 40-100 ms on a server that just started); "visible" is as soon as another request can read
// the committed messages, which is before the commit's fsync and the answer.
const killPoints: KillPoint[] = [
  ...[0, 5, 20, 50, 100, 200].map((ms) => ({ name: `${ms}ms`, wait: () => sleep(ms) })),
  { name: "visible", wait: firstVisible },
  { name: "answered", wait: ({ answered }) => answered },
];

/** Polls the log until a message of the batch can be read, or the batch is answered. */
async function firstVisible(context: {
  url: string;
  tag: string;
  answered: Promise<number | null>;
}): Promise<void> {
  let done = false;
  void context.answered.then(() => {
    done = true;
  });
  while (!done) {
    const response = await fetch(`${context.url}/v1/messages?tag=${context.tag}&limit=1`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (((await response.json()) as { data: unknown[] }).data.length > 0) {
      return;
    }
  }
}

interface Summary {
  id: string;
  subject: string;
}
type ItemResult = { index: number; id?: string; error?: { code: string } };

function batchOf(tag: string) {
  return {
    messages: Array.from({ length: size }, (_, index) => {
      const message = {
        from: "Acme <noreply@acme.test>",
        to: `user${index}@example.com`,
        subject: `${tag} #${index}`,
        text: "Thanks",
        tags: [tag],
      };
      if (index === 10) {
        return { ...message, to: "not-an-address" };
      }
      if (index === 250) {
        return { from: message.from, to: message.to, tags: message.tags };
      }
      return index === 499 ? { ...message, priority: "high" } : message;
    }),
  };
}

/**
 * Posts the batch and SIGKILLs the server at `point`; resolves with the answer's status when
 * one arrived before the kill, else null.
 */
function postThenKill(
  server: ServerProcess,
  body: string,
  key: string,
  tag: string,
  point: KillPoint,
): Promise<number | null> {
  return new Promise((resolve) => {
    let status: number | null = null;
    let settle: (value: number | null) => void = () => {};
    const answered = new Promise<number | null>((done) => {
      settle = done;
    });
    const outgoing = request(
      `${server.url}/v1/messages/batch`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "idempotency-key": key,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => {
          status = response.statusCode ?? null;
          settle(status);
        });
      },
    );
    // The kill ends the request one way or another: an answer, or a reset socket.
    outgoing.on("error", () => settle(null));
    outgoing.end(body, () => {
      void point
        .wait({ url: server.url, tag, answered })
        .then(() => server.kill())
        .then(() => resolve(status));
    });
  });
}

describe("kill -9 during POST /v1/messages/batch", () => {
  const environment = serverEnvironment({
    prefix: "batch-kill",
    config: { providers: [{ name: "capture", type: "capture" }] },
    apiKey,
  });
  let server: ServerProcess | undefined;
  const api = createApiClient(() => server?.url ?? "", apiKey);

  afterAll(async () => {
    await server?.stop();
  });

  it("keeps all of a batch or none, and a retry with its key ends with each message once", async () => {
    server = await startServer(environment);
    const figures: string[] = [];
    for (const [round, point] of killPoints.entries()) {
      const tag = `batch-kill-${round}`;
      const key = `batch-kill-key-${round}`;
      const body = JSON.stringify(batchOf(tag));
      const answered = await postThenKill(server, body, key, tag, point);
      server = await startServer(environment);
      const found = (await api.all<Summary>(`/v1/messages?tag=${tag}`)).length;

      const retry = await fetch(`${server.url}/v1/messages/batch`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "idempotency-key": key,
        },
        body,
      });
      expect(retry.status).toBe(200);
      const replayed = retry.headers.get("idempotent-replayed") === "true";
      const data = ((await retry.json()) as { data: ItemResult[] }).data;
      const stored = await api.all<Summary>(`/v1/messages?tag=${tag}`);
      const distinct = new Set(stored.map((message) => message.subject)).size;
      const duplicates = stored.length - distinct;
      const lost = valid - distinct;
      figures.push(
        `round=${round} kill_point=${point.name} answered_before_kill=${answered ?? "no"} ` +
          `found_after_kill=${found} after_retry=${stored.length} replayed=${replayed} ` +
          `lost=${lost} duplicates=${duplicates}`,
      );

      // All of the batch or none survived the kill, and the key went with it.
      expect([0, valid], `round ${round}: found after the kill`).toContain(found);
      expect(replayed).toBe(found === valid);
      if (answered === 200 || point.name === "visible") {
        expect(found).toBe(valid);
      }
      // The retry answers every item in order, the same three refused, and its ids are the
      // stored ones: no message lost, none twice.
      expect(data.map((item) => item.index)).toEqual([...Array(size).keys()]);
      expect(data.filter((item) => item.error).map((item) => item.index)).toEqual([...invalid]);
      const ids = data.flatMap((item) => (item.id ? [item.id] : []));
      expect(ids.sort()).toEqual(stored.map((message) => message.id).sort());
      expect(stored).toHaveLength(valid);
      expect(lost).toBe(0);
      expect(duplicates).toBe(0);
    }
    console.log(figures.join("\n"));
  });
});
