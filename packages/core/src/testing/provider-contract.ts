import { describe, expect, it } from "vitest";
import type { ProviderError } from "../errors/provider-error";
import type { EmailMessage } from "../message/message-schema";
import { explicitTracking, type MessageTracking } from "../message/tracking";
import { findUnsupportedFeature } from "../provider/capabilities";
import type { EmailProvider, SendOptions } from "../provider/email-provider";
import type { EmulatorControl } from "./emulator-control";
import { freePort } from "./free-port";
import { providerErrorOf } from "./provider-error-of";

/** A 1×1 transparent PNG, base64. */
export const tinyPng =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/** A message that uses every field of the unified message. */
export function fullMessage(id = "msg_contract0000000000000001"): EmailMessage {
  return {
    id,
    from: { email: "sender@example.com", name: "Sender Name" },
    to: [{ email: "to1@example.net", name: "First To" }, { email: "to2@example.net" }],
    cc: [{ email: "cc@example.net", name: "Carbon Copy" }],
    bcc: [{ email: "bcc@example.net" }],
    replyTo: [{ email: "reply@example.com", name: "Reply Desk" }],
    subject: "Your receipt ✓",
    text: "Thanks for your order.",
    html: '<p>Thanks for your order.</p><img src="cid:logo">',
    attachments: [
      {
        filename: "receipt.txt",
        content: Buffer.from("receipt body").toString("base64"),
        contentType: "text/plain",
      },
      { filename: "logo.png", content: tinyPng, contentType: "image/png", contentId: "logo" },
    ],
    headers: { "X-Campaign": "spring", "List-Unsubscribe": "<mailto:unsub@example.com>" },
    tags: ["receipt"],
    metadata: { orderId: "o-42", tenant: "acme" },
  };
}

/** The tracking switches the contract sends, one message each; `unset` leaves tracking out. */
export const trackingCases = {
  on: { opens: true, clicks: true },
  off: { opens: false, clicks: false },
  opensOnly: { opens: true },
  clicksOff: { clicks: false },
  unset: undefined,
} as const satisfies Record<string, MessageTracking | undefined>;

/** One of {@link trackingCases}. */
export type TrackingCase = keyof typeof trackingCases;

/** What a provider package gives the contract suite. */
export interface ProviderContractSetup {
  /** The provider type under test, for test names. */
  name: string;
  /** Starts the emulator for one test. */
  startEmulator(): Promise<EmulatorControl>;
  /** Builds the adapter pointed at `baseUrl`, with the given deadline for one call. */
  createProvider(baseUrl: string, options: { timeoutMs: number }): EmailProvider;
  /**
   * Cases that cannot apply to this provider, by name, each with the reason: they are not run
   * (a skipped test would pass for nothing). The names are the `it` titles below, and the suite
   * fails when one names no case.
   */
  skip?: Record<string, string>;
  /**
   * True when the provider names an inline part after its Content-ID (Mailgun): the happy path
   * then expects the inline attachment's filename to be its contentId.
   */
  inlineFilenameIsContentId?: boolean;
  /** Status codes whose class this provider reads differently from the default table. */
  expectedClasses?: Record<number, ProviderError["outcome"]>;
  /**
   * The provider's own tracking fields the emulator must receive for each case (the ledger's
   * `tracking`), written out exactly; `{}` where nothing may be sent.
   */
  trackingFields: Record<TrackingCase, Record<string, unknown>>;
}

const defaultClasses: Record<number, ProviderError["outcome"]> = {
  400: "permanent",
  401: "retryable",
  403: "retryable",
  422: "permanent",
  429: "retryable",
  500: "ambiguous",
  502: "ambiguous",
  503: "retryable",
  504: "ambiguous",
};

function sendOptions(timeoutMs = 5000): SendOptions {
  return { signal: AbortSignal.timeout(timeoutMs), idempotencyKey: "msg_contract0000000000000001" };
}

function sendExpectingError(
  provider: EmailProvider,
  message: EmailMessage,
  options = sendOptions(),
) {
  return providerErrorOf(provider.send(message, options));
}

/**
 * The conformance suite every provider adapter runs against its emulator: the happy path with
 * every field, one case per error class, the deadline, capability refusal and env independence.
 */
export function runProviderContract(setup: ProviderContractSetup): void {
  const skip = setup.skip ?? {};
  const classes = { ...defaultClasses, ...setup.expectedClasses };
  const titles: string[] = [];
  const test = (title: string, body: () => Promise<void>) => {
    titles.push(title);
    if (!skip[title]) {
      it(title, body, 15_000);
    }
  };
  const withEmulator = async (body: (emulator: EmulatorControl) => Promise<void>) => {
    const emulator = await setup.startEmulator();
    try {
      await body(emulator);
    } finally {
      await emulator.close();
    }
  };

  describe(`${setup.name} provider contract`, () => {
    test("sends every field of the message in exactly one request", () =>
      withEmulator(async (emulator) => {
        const provider = setup.createProvider(emulator.baseUrl, { timeoutMs: 5000 });
        const message = fullMessage();
        const result = await provider.send(message, sendOptions());
        expect(result.providerMessageId).toBeTruthy();
        const ledger = emulator.ledger();
        expect(ledger).toHaveLength(1);
        const entry = ledger[0]!;
        expect(entry.providerMessageId).toBe(result.providerMessageId);
        expect(entry.mailrouteId).toBe(message.id);
        expect(entry.from).toEqual(message.from);
        expect(entry.to).toEqual(message.to);
        expect(entry.cc).toEqual(message.cc);
        expect(entry.bcc).toEqual(message.bcc);
        expect(entry.replyTo).toEqual(message.replyTo);
        expect(entry.subject).toBe(message.subject);
        expect(entry.text).toBe(message.text);
        expect(entry.html).toBe(message.html);
        expect(entry.attachments).toEqual([
          {
            filename: "receipt.txt",
            contentType: "text/plain",
            contentId: null,
            content: message.attachments[0]!.content,
          },
          {
            filename: setup.inlineFilenameIsContentId ? "logo" : "logo.png",
            contentType: "image/png",
            contentId: "logo",
            content: tinyPng,
          },
        ]);
        expect(entry.headers).toMatchObject(message.headers);
        expect(entry.tags).toEqual(message.tags);
        expect(entry.metadata).toMatchObject(message.metadata);
        await provider.close?.();
      }));

    for (const [status, outcome] of Object.entries(classes)) {
      test(`classifies HTTP ${status} as ${outcome}`, () =>
        withEmulator(async (emulator) => {
          const provider = setup.createProvider(emulator.baseUrl, { timeoutMs: 5000 });
          emulator.fault({ kind: "status", status: Number(status) });
          const error = await sendExpectingError(provider, fullMessage());
          expect(error.outcome).toBe(outcome);
          expect(error.provider).toBe(provider.name);
          expect(error.statusCode).toBe(Number(status));
          expect(error.message.length).toBeGreaterThan(0);
          expect(emulator.ledger()).toHaveLength(0);
          await provider.close?.();
        }));
    }

    test("sends each explicit tracking switch in the provider's own field, and nothing unset", () =>
      withEmulator(async (emulator) => {
        const provider = setup.createProvider(emulator.baseUrl, { timeoutMs: 5000 });
        const cases = Object.keys(trackingCases) as TrackingCase[];
        for (const name of cases) {
          const message = { ...fullMessage(), ...explicitTracking(trackingCases[name]) };
          await provider.send(message, sendOptions());
        }
        expect(
          Object.fromEntries(
            emulator.ledger().map((entry, index) => [cases[index], entry.tracking]),
          ),
        ).toEqual(setup.trackingFields);
        await provider.close?.();
      }));

    test("classifies a refused connection as retryable", async () => {
      const provider = setup.createProvider(`http://127.0.0.1:${await freePort()}`, {
        timeoutMs: 5000,
      });
      const error = await sendExpectingError(provider, fullMessage());
      expect(error.outcome).toBe("retryable");
      expect(error.reason).toBe("network");
      expect(error.providerCode).toBe("ECONNREFUSED");
      await provider.close?.();
    });

    test("classifies a reset after the request was written as ambiguous", () =>
      withEmulator(async (emulator) => {
        const provider = setup.createProvider(emulator.baseUrl, { timeoutMs: 5000 });
        emulator.fault({ kind: "acceptThenReset" });
        const error = await sendExpectingError(provider, fullMessage());
        expect(error.outcome).toBe("ambiguous");
        expect(emulator.requestCount()).toBe(1);
        await provider.close?.();
      }));

    test("gives up at the deadline when the provider hangs, as ambiguous", () =>
      withEmulator(async (emulator) => {
        const provider = setup.createProvider(emulator.baseUrl, { timeoutMs: 300 });
        emulator.fault({ kind: "hang" });
        const error = await sendExpectingError(provider, fullMessage(), sendOptions(300));
        expect(error.outcome).toBe("ambiguous");
        expect(error.reason).toBe("timeout");
        await provider.close?.();
      }));

    test("declares capabilities the router can check", () =>
      withEmulator(async (emulator) => {
        const provider = setup.createProvider(emulator.baseUrl, { timeoutMs: 5000 });
        const message = fullMessage();
        expect(findUnsupportedFeature(message, provider.capabilities)).toBeNull();
        const tooMany = {
          ...message,
          to: Array.from({ length: provider.capabilities.maxRecipients + 1 }, (_, index) => ({
            email: `r${index}@example.net`,
          })),
        };
        expect(findUnsupportedFeature(tooMany, provider.capabilities)).toMatch(/recipients/);
        await provider.close?.();
      }));

    test("never reads the environment", () =>
      withEmulator(async (emulator) => {
        const original = process.env;
        const reads: string[] = [];
        process.env = new Proxy(original, {
          get(target, key) {
            if (
              typeof key === "string" &&
              /key|token|secret|password|sendgrid|mailgun|postmark|smtp/i.test(key)
            ) {
              reads.push(key);
            }
            return Reflect.get(target, key);
          },
        });
        try {
          const provider = setup.createProvider(emulator.baseUrl, { timeoutMs: 5000 });
          await provider.send(fullMessage(), sendOptions());
          await provider.close?.();
        } finally {
          process.env = original;
        }
        expect(reads).toEqual([]);
      }));

    it("leaves out only cases that exist, each with its reason", () => {
      for (const [title, reason] of Object.entries(skip)) {
        expect(titles, `skip names no case: ${title}`).toContain(title);
        expect(reason.trim(), title).not.toBe("");
      }
    });
  });
}
