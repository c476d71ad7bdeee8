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
  tracking: "perMessage",
};

/**
 * What the fake does on one call: accept, throw a classified error, hang until aborted, or hold
 * (ignore the signal, like a provider that never answers) until `release()`.
 */
export type FakeStep = "accept" | "hang" | "hold" | Omit<ProviderErrorInit, "provider">;

/** A provider for tests: scripted outcomes, and a record of every call. */
export interface FakeProvider extends EmailProvider {
  readonly calls: { message: EmailMessage; options: SendOptions }[];
  /** Outcomes for the next calls, consumed in order; when empty, `fallback` applies. */
  script(...steps: FakeStep[]): void;
  fallback: FakeStep;
  /** Lets every held call end with acceptance (the default) or the given error. */
  release(step?: "accept" | Omit<ProviderErrorInit, "provider">): void;
  /** Resolves once the fake has been called `count` times in all. */
  waitForCalls(count: number): Promise<void>;
}

/** Creates a fake provider named `name`. */
export function createFakeProvider(
  name: string,
  capabilities: Partial<ProviderCapabilities> = {},
): FakeProvider {
  const steps: FakeStep[] = [];
  const calls: FakeProvider["calls"] = [];
  const held: ((step: "accept" | Omit<ProviderErrorInit, "provider">) => void)[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const answer = (
    step: "accept" | Omit<ProviderErrorInit, "provider">,
    callNumber: number,
  ): SendResult => {
    if (step === "accept") {
      return { providerMessageId: `${name}-${callNumber}` };
    }
    throw new ProviderError({ provider: name, ...step });
  };
  const provider: FakeProvider = {
    name,
    type: "capture",
    capabilities: { ...unlimitedCapabilities, ...capabilities },
    calls,
    fallback: "accept",
    script: (...next) => {
      steps.push(...next);
    },
    release: (step = "accept") => {
      for (const finish of held.splice(0)) {
        finish(step);
      }
    },
    waitForCalls: (count) =>
      calls.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push({ count, resolve });
          }),
    async send(message, options): Promise<SendResult> {
      calls.push({ message, options });
      const callNumber = calls.length;
      for (const waiter of waiters.filter((entry) => entry.count <= callNumber)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const step = steps.shift() ?? provider.fallback;
      if (step === "accept") {
        return answer(step, callNumber);
      }
      if (step === "hold") {
        return new Promise<SendResult>((resolve, reject) => {
          held.push((final) => {
            try {
              resolve(answer(final, callNumber));
            } catch (error) {
              reject(error);
            }
          });
        });
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
      return answer(step, callNumber);
    },
  };
  return provider;
}
