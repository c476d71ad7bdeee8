import { findUnsupportedFeature } from "@mailroute/core";
import { fullMessage, runProviderContract } from "@mailroute/core/testing";
import { mailgunEmulatorDefaults, startMailgunEmulator } from "@mailroute/emulators/mailgun";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMailgunProvider, mailgunCapabilities } from "./mailgun-provider";

const { apiKey, domain } = mailgunEmulatorDefaults;

runProviderContract({
  name: "mailgun",
  startEmulator: () => startMailgunEmulator(),
  createProvider: (baseUrl, { timeoutMs }) =>
    createMailgunProvider({ name: "mailgun-contract", apiKey, domain, baseUrl, timeoutMs }),
  // Mailgun uses an inline part's filename as its Content-ID and has no other field for it.
  inlineFilenameIsContentId: true,
  trackingFields: {
    on: { "o:tracking-opens": "yes", "o:tracking-clicks": "yes" },
    off: { "o:tracking-opens": "no", "o:tracking-clicks": "no" },
    opensOnly: { "o:tracking-opens": "yes" },
    clicksOff: { "o:tracking-clicks": "no" },
    unset: {},
  },
});

function options() {
  return { signal: AbortSignal.timeout(10_000), idempotencyKey: "msg_1" };
}

describe("createMailgunProvider", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("keeps two accounts apart: each client has its own key, domain and base URL", async () => {
    const first = await startMailgunEmulator({ apiKey: "key-first", domains: ["one.example.com"] });
    const second = await startMailgunEmulator({
      apiKey: "key-second",
      domains: ["two.example.com"],
    });
    try {
      const one = createMailgunProvider({
        name: "one",
        apiKey: "key-first",
        domain: "one.example.com",
        baseUrl: first.baseUrl,
      });
      const two = createMailgunProvider({
        name: "two",
        apiKey: "key-second",
        domain: "two.example.com",
        baseUrl: second.baseUrl,
      });
      await one.send(fullMessage("msg_one"), options());
      await two.send(fullMessage("msg_two"), options());
      await one.send(fullMessage("msg_one_again"), options());
      expect(first.ledger().map((entry) => entry.mailrouteId)).toEqual([
        "msg_one",
        "msg_one_again",
      ]);
      expect(second.ledger().map((entry) => entry.mailrouteId)).toEqual(["msg_two"]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("ignores HTTP_PROXY, which the SDK's axios would otherwise use even for 127.0.0.1", async () => {
    const emulator = await startMailgunEmulator();
    try {
      // A proxy that refuses connections: the send only succeeds if it goes direct.
      for (const variable of ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"]) {
        vi.stubEnv(variable, "http://127.0.0.1:9");
      }
      for (const variable of ["NO_PROXY", "no_proxy"]) {
        vi.stubEnv(variable, "");
      }
      const provider = createMailgunProvider({
        name: "direct",
        apiKey,
        domain,
        baseUrl: emulator.baseUrl,
      });
      await expect(provider.send(fullMessage(), options())).resolves.toMatchObject({
        providerMessageId: expect.any(String),
      });
    } finally {
      await emulator.close();
    }
  });

  it("declares Mailgun's limits, so the router skips it for a fourth tag", () => {
    const provider = createMailgunProvider({ name: "limits", apiKey, domain });
    expect(provider.capabilities).toBe(mailgunCapabilities);
    const fourTags = { ...fullMessage(), tags: ["a", "b", "c", "d"] };
    expect(findUnsupportedFeature(fourTags, provider.capabilities)).toMatch(/tags/);
    const inFourDays = {
      ...fullMessage(),
      sendAt: new Date(Date.now() + 4 * 24 * 3_600_000).toISOString(),
    };
    expect(findUnsupportedFeature(inFourDays, provider.capabilities)).toMatch(/sendAt/);
  });
});
