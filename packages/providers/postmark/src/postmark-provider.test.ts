import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError } from "@mailroute/core";
import { fullMessage, providerErrorOf, runProviderContract } from "@mailroute/core/testing";
import {
  defaultPostmarkServerToken,
  type PostmarkEmulator,
  startPostmarkEmulator,
} from "@mailroute/emulators/postmark";
import { afterEach, describe, expect, it } from "vitest";
import { createPostmarkProvider } from "./postmark-provider";

runProviderContract({
  name: "postmark",
  startEmulator: () => startPostmarkEmulator(),
  createProvider: (baseUrl, { timeoutMs }) =>
    createPostmarkProvider({
      name: "postmark-contract",
      serverToken: defaultPostmarkServerToken,
      baseUrl,
      timeoutMs,
    }),
  trackingFields: {
    on: { TrackOpens: true, TrackLinks: "HtmlAndText" },
    off: { TrackOpens: false, TrackLinks: "None" },
    opensOnly: { TrackOpens: true },
    clicksOff: { TrackLinks: "None" },
    unset: {},
  },
});

const emulators: PostmarkEmulator[] = [];

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

async function emulator(options?: Parameters<typeof startPostmarkEmulator>[0]) {
  const started = await startPostmarkEmulator(options);
  emulators.push(started);
  return started;
}

function provider(target: PostmarkEmulator, timeoutMs = 5000, name = "postmark-test") {
  return createPostmarkProvider({
    name,
    serverToken: target.serverToken,
    baseUrl: target.baseUrl,
    timeoutMs,
  });
}

const options = (signal: AbortSignal = AbortSignal.timeout(5000)) => ({
  signal,
  idempotencyKey: "msg_contract0000000000000001",
});

/** A server that answers the status line and headers at once, then never finishes the body. */
async function startStallingServer(status: number) {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(status, { "content-type": "application/json" });
      response.write('{"MessageID":');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("createPostmarkProvider", () => {
  it("throws a ConfigError naming the provider for invalid settings", () => {
    expect(() =>
      createPostmarkProvider({ name: "postmark-eu", serverToken: " ", baseUrl: "ftp://x" }),
    ).toThrow(ConfigError);
    expect(() => createPostmarkProvider({ name: "postmark-eu", serverToken: "" })).toThrow(
      /postmark-eu/,
    );
  });

  it("keeps a path prefix of the base URL", async () => {
    const requests: string[] = [];
    const target = await emulator();
    const prefixed = createPostmarkProvider({
      name: "postmark-prefixed",
      serverToken: target.serverToken,
      baseUrl: `${target.baseUrl}/compat/postmark/`,
      fetch: (input, init) => {
        requests.push(String(input));
        return fetch(String(input).replace("/compat/postmark", ""), init);
      },
    });
    await prefixed.send(fullMessage(), options());
    expect(requests).toEqual([`${target.baseUrl}/compat/postmark/email`]);
  });
});

describe("postmark adapter traps", () => {
  it("keeps accounts apart: each provider uses its own token and base URL", async () => {
    const first = await emulator({ serverToken: "token-one" });
    const second = await emulator({ serverToken: "token-two" });
    await provider(first, 5000, "postmark-one").send(fullMessage(), options());
    await provider(second, 5000, "postmark-two").send(fullMessage(), options());
    await provider(first, 5000, "postmark-one").send(fullMessage(), options());
    expect(first.ledger()).toHaveLength(2);
    expect(second.ledger()).toHaveLength(1);
  });

  it("keeps the socket code of a network failure the SDK reduces to 'fetch failed'", async () => {
    const target = await emulator();
    target.fault({ kind: "acceptThenReset" });
    const reset = await providerErrorOf(provider(target).send(fullMessage(), options()));
    expect(reset.outcome).toBe("ambiguous");
    expect(reset.reason).toBe("interrupted");
    expect(reset.providerCode).toBe("UND_ERR_SOCKET");
    expect(reset.message).toMatch(/^\[UND_ERR_SOCKET\] fetch failed/);
  });

  it("does not follow a redirect, which would replay the POST as a GET", async () => {
    const server = createServer((request, response) => {
      if (request.method === "POST") {
        response.writeHead(302, { location: "/landing" }).end();
        return;
      }
      response
        .writeHead(200, { "content-type": "application/json" })
        .end('{"MessageID":"from-a-get","ErrorCode":0,"Message":"OK"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const redirected = createPostmarkProvider({
        name: "postmark-redirect",
        serverToken: "token",
        baseUrl: `http://127.0.0.1:${port}`,
      });
      const error = await providerErrorOf(redirected.send(fullMessage(), options()));
      expect(error.statusCode).toBe(302);
      expect(error.outcome).toBe("retryable");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("ends a hung request at the caller's deadline, below its own ceiling", async () => {
    const target = await emulator();
    target.fault({ kind: "hang" });
    const error = await providerErrorOf(
      provider(target, 60_000).send(fullMessage(), options(AbortSignal.timeout(200))),
    );
    expect(error.outcome).toBe("ambiguous");
    expect(error.reason).toBe("timeout");
    expect(error.providerCode).toBe("DEADLINE");
  });

  it("ends a hung request when the caller aborts", async () => {
    const target = await emulator();
    target.fault({ kind: "hang" });
    const controller = new AbortController();
    const sending = provider(target, 60_000).send(fullMessage(), options(controller.signal));
    setTimeout(() => controller.abort(), 50);
    const error = await providerErrorOf(sending);
    expect(error.outcome).toBe("ambiguous");
    expect(error.reason).toBe("timeout");
  });

  it("covers the response body with the deadline, and counts a 200 whose body stalls as sent", async () => {
    const { baseUrl, close } = await startStallingServer(200);
    try {
      const stalled = createPostmarkProvider({
        name: "postmark-stalled",
        serverToken: "token",
        baseUrl,
        timeoutMs: 60_000,
      });
      const result = await stalled.send(fullMessage(), options(AbortSignal.timeout(200)));
      expect(result).toEqual({ providerMessageId: null, response: { status: 200 } });
    } finally {
      await close();
    }
  });

  it("classifies by the status line when the error body stalls", async () => {
    const { baseUrl, close } = await startStallingServer(503);
    try {
      const stalled = createPostmarkProvider({
        name: "postmark-stalled",
        serverToken: "token",
        baseUrl,
        timeoutMs: 60_000,
      });
      const error = await providerErrorOf(
        stalled.send(fullMessage(), options(AbortSignal.timeout(200))),
      );
      expect(error.statusCode).toBe(503);
      expect(error.outcome).toBe("retryable");
    } finally {
      await close();
    }
  });

  it("sends nothing when the deadline has already passed", async () => {
    const target = await emulator();
    const error = await providerErrorOf(
      provider(target).send(fullMessage(), options(AbortSignal.abort())),
    );
    expect(error.outcome).toBe("retryable");
    expect(error.reason).toBe("timeout");
    expect(target.requestCount()).toBe(0);
  });

  it("sends email headers in the body, never as HTTP headers that could replace the token", async () => {
    const target = await emulator();
    const message = {
      ...fullMessage(),
      headers: { Authorization: "Bearer nope", "X-Postmark-Server-Token": "wrong-token" },
    };
    await provider(target).send(message, options());
    expect(target.ledger()[0]?.headers).toEqual(message.headers);
  });

  it("refuses, without a request, metadata beyond Postmark's field limits", async () => {
    const target = await emulator();
    const message = { ...fullMessage(), metadata: { aVeryLongMetadataFieldName: "x" } };
    const error = await providerErrorOf(provider(target).send(message, options()));
    expect(error.outcome).toBe("retryable");
    expect(error.reason).toBe("unsupported");
    expect(target.requestCount()).toBe(0);
  });

  it("refuses a second tag instead of dropping it", async () => {
    const target = await emulator();
    const error = await providerErrorOf(
      provider(target).send({ ...fullMessage(), tags: ["a", "b"] }, options()),
    );
    expect(error.reason).toBe("unsupported");
    expect(target.requestCount()).toBe(0);
  });

  it("returns Postmark's MessageID and the response for the attempt log", async () => {
    const target = await emulator();
    const result = await provider(target).send(fullMessage(), options());
    expect(result.providerMessageId).toBe(target.ledger()[0]?.providerMessageId);
    expect(result.response?.status).toBe(200);
    expect(JSON.parse(result.response?.body ?? "{}")).toMatchObject({ ErrorCode: 0 });
  });
});
