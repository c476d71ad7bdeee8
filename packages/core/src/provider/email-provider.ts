import type { EmailMessage } from "../message/message-schema";
import type { ProviderCapabilities } from "./capabilities";
import type { ProviderType } from "./provider-types";

/** What the dispatcher passes to every send besides the message. */
export interface SendOptions {
  /** Aborted when the attempt's deadline passes; adapters hand it to their HTTP client. */
  signal: AbortSignal;
  /** Stable for the message across tries; providers that dedupe by key (capture) use it. */
  idempotencyKey: string;
}

/** What a provider said when it accepted a message. */
export interface SendResult {
  /** The provider's id for the message, used to correlate webhooks; null when it gave none. */
  providerMessageId: string | null;
  /** True when an idempotent provider recognised the key and did not send a second copy. */
  replayed?: boolean;
  /** The provider's response, truncated, for the attempt log. */
  response?: { status?: number; body?: string };
}

/**
 * A configured provider account. Adapters build one with `create<Name>Provider(settings)`; the
 * server registers it under its configured name. `send` either resolves (accepted) or throws a
 * `ProviderError` whose `outcome` tells the dispatcher whether another provider may try.
 */
export interface EmailProvider {
  /** The configured name (`sendgrid-eu`, `backup`); unique within one mailroute. */
  readonly name: string;
  readonly type: ProviderType;
  readonly capabilities: ProviderCapabilities;
  send(message: EmailMessage, options: SendOptions): Promise<SendResult>;
  /** Releases pooled connections; called once at shutdown. */
  close?(): Promise<void>;
}
