import {
  type EmailMessage,
  type EmailProvider,
  type ProviderCapabilities,
  ProviderError,
  parseProviderSettings,
  recipientsOf,
} from "@mailroute/core";
import {
  type CaptureFailure,
  type CaptureSettings,
  captureSettingsSchema,
} from "./capture-settings";

/** Where captured messages are kept; the server backs it with the store. */
export interface CaptureMailbox {
  /** Keeps the message once per message id; a repeat returns the first capture, `replayed`. */
  saveCapture(input: {
    messageId: string;
    provider: string;
    message: EmailMessage;
    at: Date;
  }): Promise<{
    id: string;
    replayed: boolean;
  }>;
}

/** The capture provider carries everything and dedupes by message id, like an idempotent API. */
export const captureCapabilities: ProviderCapabilities = {
  maxRecipients: 1000,
  maxMessageBytes: 50 * 1024 * 1024,
  maxTags: 10,
  attachments: true,
  inlineImages: true,
  customHeaders: true,
  metadata: true,
  maxScheduleAheadMs: 0,
  idempotency: true,
  // Nothing is sent, so nothing is tracked; the flags are kept with the captured message.
  tracking: "perMessage",
};

function appliesTo(failure: CaptureFailure, message: EmailMessage, random: () => number): boolean {
  if (failure.recipients) {
    const targets = failure.recipients.map((target) => target.toLowerCase());
    const hit = recipientsOf(message).some((recipient) =>
      targets.some((target) =>
        target.startsWith("@") ? recipient.endsWith(target) : recipient === target,
      ),
    );
    if (!hit) {
      return false;
    }
  }
  return random() < failure.rate;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Creates a capture provider: messages are stored in the mailbox instead of being sent. */
export function createCaptureProvider(
  settings: CaptureSettings,
  dependencies: { mailbox: CaptureMailbox; random?: () => number },
): EmailProvider {
  const { name, latencyMs, failure } = parseProviderSettings(
    captureSettingsSchema,
    settings,
    `provider "${settings.name}": invalid capture settings`,
  );
  const random = dependencies.random ?? Math.random;
  return {
    name,
    type: "capture",
    capabilities: captureCapabilities,
    async send(message, options) {
      if (latencyMs > 0) {
        await sleep(latencyMs, options.signal).catch(() => {
          throw new ProviderError({
            provider: name,
            outcome: "ambiguous",
            reason: "timeout",
            message: "aborted",
          });
        });
      }
      const fails = failure !== undefined && appliesTo(failure, message, random);
      if (failure && fails && failure.outcome !== "ambiguous") {
        throw new ProviderError({
          provider: name,
          outcome: failure.outcome,
          reason:
            failure.reason ??
            (failure.outcome === "permanent" ? "invalid_request" : "provider_unavailable"),
          providerCode: failure.code,
          message: failure.message,
          retryAfterMs: failure.retryAfterMs,
        });
      }
      const saved = await dependencies.mailbox.saveCapture({
        messageId: options.idempotencyKey,
        provider: name,
        message,
        at: new Date(),
      });
      if (failure && fails) {
        throw new ProviderError({
          provider: name,
          outcome: "ambiguous",
          reason: failure.reason ?? "timeout",
          providerCode: failure.code,
          message: failure.message,
        });
      }
      return { providerMessageId: saved.id, replayed: saved.replayed };
    },
  };
}
