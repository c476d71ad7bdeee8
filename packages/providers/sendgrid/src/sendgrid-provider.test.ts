import { createServer, type IncomingHttpHeaders, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import type { EmailProvider, ProviderError } from "@mailroute/core";
import { fullMessage, providerErrorOf, runProviderContract } from "@mailroute/core/testing";
import { sendGridTestApiKey, startSendGridEmulator } from "@mailroute/emulators/sendgrid";
import sendGridSingleton from "@sendgrid/client";
import { afterEach, describe, expect, it } from "vitest";
import { createSendGridProvider, sendGridCapabilities } from "./sendgrid-provider";

function createProvider(baseUrl: string, timeoutMs = 5000, apiKey = sendGridTestApiKey) {
  return createSendGridProvider({ name: "sendgrid-test", apiKey, baseUrl, timeoutMs });
}

function sendOptions(timeoutMs = 5000) {
  return { signal: AbortSignal.timeout(timeoutMs), idempotencyKey: "msg_test" };
}

async function sendExpectingError(
  provider: EmailProvider,
  options = sendOptions(),
): Promise<ProviderError> {
  return providerErrorOf(provider.send(fullMessage(), options));
}

/** A bare HTTP server for the answers no real SendGrid gives (redirects, trickled bodies). */
async function startServer(listener: RequestListener) {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) {
    await cleanup();
  }
});

async function emulatorFor(apiKey?: string) {
  const emulator = await startSendGridEmulator(apiKey ? { apiKey } : {});
  cleanups.push(() => emulator.close());
  return emulator;
}

runProviderContract({
  name: "sendgrid",
  startEmulator: () => startSendGridEmulator(),
  createProvider: (baseUrl, { timeoutMs }) => createProvider(baseUrl, timeoutMs),
  trackingFields: {
    on: {
      tracking_settings: {
        open_tracking: { enable: true },
        click_tracking: { enable: true, enable_text: true },
      },
    },
    off: {
      tracking_settings: {
        open_tracking: { enable: false },
        click_tracking: { enable: false, enable_text: false },
      },
    },
    opensOnly: { tracking_settings: { open_tracking: { enable: true } } },
    clicksOff: { tracking_settings: { click_tracking: { enable: false, enable_text: false } } },
    unset: {},
  },
});

describe("createSendGridProvider", () => {
  it("declares SendGrid's limits", () => {
    const provider = createProvider("http://127.0.0.1:1");
    expect(provider.type).toBe("sendgrid");
    expect(provider.name).toBe("sendgrid-test");
    expect(provider.capabilities).toEqual(sendGridCapabilities);
    expect(sendGridCapabilities).toMatchObject({
      maxRecipients: 1000,
      maxMessageBytes: 30 * 1024 * 1024,
      maxTags: 10,
      maxScheduleAheadMs: 72 * 3600 * 1000,
      inlineImages: true,
      idempotency: false,
      tracking: "perMessage",
    });
  });

  it("throws a ConfigError naming the provider for invalid settings", () => {
    expect(() => createSendGridProvider({ name: "sg-eu", apiKey: "" })).toThrow(
      expect.objectContaining({ name: "ConfigError", message: expect.stringContaining("sg-eu") }),
    );
    expect(() =>
      createSendGridProvider({ name: "sg-eu", apiKey: "SG.x", baseURL: "http://x" } as never),
    ).toThrow(/invalid SendGrid settings/);
  });
});

describe("SendGrid SDK traps", () => {
  it("sends to the configured baseUrl although setApiKey resets it", async () => {
    const emulator = await emulatorFor();
    const provider = createProvider(emulator.baseUrl);
    const result = await provider.send(fullMessage(), sendOptions());
    expect(emulator.ledger().map((entry) => entry.providerMessageId)).toEqual([
      result.providerMessageId,
    ]);
    await provider.close?.();
  });

  it("keeps email headers out of the HTTP request, even one named Authorization", async () => {
    const emulator = await emulatorFor();
    const httpHeaders: IncomingHttpHeaders[] = [];
    emulator.server.on("request", (request) => httpHeaders.push(request.headers));
    const provider = createProvider(emulator.baseUrl);
    const message = {
      ...fullMessage(),
      headers: { Authorization: "Bearer SG.not-the-key", "X-Campaign": "spring" },
    };
    await provider.send(message, sendOptions());
    expect(httpHeaders).toHaveLength(1);
    expect(httpHeaders[0]?.authorization).toBe(`Bearer ${sendGridTestApiKey}`);
    expect(httpHeaders[0]?.["x-campaign"]).toBeUndefined();
    expect(emulator.ledger()[0]?.headers).toEqual(message.headers);
    await provider.close?.();
  });

  it("sends an inline image as disposition inline with content_id", async () => {
    const emulator = await emulatorFor();
    const provider = createProvider(emulator.baseUrl);
    await provider.send(fullMessage(), sendOptions());
    const raw = emulator.ledger()[0]?.raw as { attachments: Record<string, unknown>[] };
    expect(raw.attachments[1]).toEqual({
      content: expect.any(String),
      filename: "logo.png",
      type: "image/png",
      disposition: "inline",
      content_id: "logo",
    });
    expect(raw.attachments[0]).toMatchObject({ disposition: "attachment" });
    expect(raw.attachments[0]).not.toHaveProperty("content_id");
    await provider.close?.();
  });

  it("does not follow a redirect that would turn the POST into a GET", async () => {
    const methods: string[] = [];
    const server = await startServer((request, response) => {
      methods.push(request.method ?? "");
      if (request.method === "POST") {
        response.writeHead(302, { location: "/landing" }).end();
      } else {
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      }
    });
    cleanups.push(server.close);
    const provider = createProvider(server.url);
    const error = await sendExpectingError(provider);
    expect(error).toMatchObject({ outcome: "retryable", statusCode: 302, providerCode: "302" });
    expect(error.message).toContain("/landing");
    expect(methods).toEqual(["POST"]);
    await provider.close?.();
  });

  it("stops at the deadline while the body trickles, and counts the 202 head as accepted", async () => {
    const server = await startServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(202, { "x-message-id": "trickled-id" });
        // One byte every 20 ms keeps the socket busy, so an idle timeout would never fire.
        const timer = setInterval(() => response.write(" "), 20);
        response.on("close", () => clearInterval(timer));
      });
    });
    cleanups.push(server.close);
    const provider = createProvider(server.url, 300);
    const result = await provider.send(fullMessage(), sendOptions(300));
    expect(result.providerMessageId).toBe("trickled-id");
    expect(result.response).toMatchObject({ status: 202, body: "the body was cut off" });
    await provider.close?.();
  });

  it("keeps accounts apart and leaves the SDK's singleton untouched", async () => {
    const first = await emulatorFor("SG.first-key");
    const second = await emulatorFor("SG.second-key");
    const providers = [
      createProvider(first.baseUrl, 5000, "SG.first-key"),
      createProvider(second.baseUrl, 5000, "SG.second-key"),
    ];
    await Promise.all(providers.map((provider) => provider.send(fullMessage(), sendOptions())));
    expect(first.ledger()).toHaveLength(1);
    expect(second.ledger()).toHaveLength(1);
    const singleton = sendGridSingleton as unknown as {
      auth: string;
      defaultRequest: { baseUrl: string };
    };
    expect(singleton.auth).toBe("");
    expect(singleton.defaultRequest.baseUrl).toBe("https://api.sendgrid.com/");
    await Promise.all(providers.map((provider) => provider.close?.()));
  });

  it("ignores HTTP_PROXY from the environment", async () => {
    const emulator = await emulatorFor();
    const saved = { ...process.env };
    // A proxy that refuses every connection: a request sent through it would fail.
    process.env.HTTP_PROXY = "http://127.0.0.1:1";
    process.env.http_proxy = "http://127.0.0.1:1";
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    try {
      const provider = createProvider(emulator.baseUrl);
      await provider.send(fullMessage(), sendOptions());
      await provider.close?.();
    } finally {
      process.env = saved;
    }
    expect(emulator.ledger()).toHaveLength(1);
  });
});
