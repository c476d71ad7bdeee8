import { ProviderError, type ProviderErrorInit } from "../errors/provider-error";
import type { EmailMessage } from "../message/message-schema";
import type { ProviderCapabilities } from "../provider/capabilities";
import type { EmailProvider, SendOptions, SendResult } from "../provider/email-provider";

/** Capabilities that let every message through. */
export const unlimitedCapabilities: ProviderCapabilities = {
  maxRecipients: 1000,
  maxMessageBytes: 50_000_000,
  maxTags: 10,
  attachments: true,
  inlineImages: true,
  customHeaders: true,
  metadata: true,
  maxScheduleAheadMs: 0,
  idempotency: false,
};

/** What the fake does on one call: accept, throw a classified error, or hang until aborted. */
export type FakeStep = "accept" | "hang" | Omit<ProviderErrorInit, "provider">;

/** A provider for tests: scripted outcomes, and a record of every call. */
export interface FakeProvider extends EmailProvider {
  readonly calls: { message: EmailMessage; options: SendOptions }[];
  /** Outcomes for the next calls, consumed in order; when empty, `fallback` applies. */
  script(...steps: FakeStep[]): void;
  fallback: FakeStep;
}

/** Creates a fake provider named `name`. */
export function createFakeProvider(
  name: string,
  capabilities: Partial<ProviderCapabilities> = {},
): FakeProvider {
  const steps: FakeStep[] = [];
  const calls: FakeProvider["calls"] = [];
  const provider: FakeProvider = {
    name,
    type: "capture",
    capabilities: { ...unlimitedCapabilities, ...capabilities },
    calls,
    fallback: "accept",
    script: (...next) => {
      steps.push(...next);
    },
    async send(message, options): Promise<SendResult> {
      calls.push({ message, options });
      const step = steps.shift() ?? provider.fallback;
      if (step === "accept") {
        return { providerMessageId: `${name}-${calls.length}` };
      }
      if (step === "hang") {
        return new Promise<SendResult>((_resolve, reject) => {
          options.signal.addEventListener("abort", () =>
            reject(
              new ProviderError({
                provider: name,
                outcome: "ambiguous",
                reason: "timeout",
                message: "aborted",
              }),
            ),
          );
        });
      }
      throw new ProviderError({ provider: name, ...step });
    },
  };
  return provider;
}
