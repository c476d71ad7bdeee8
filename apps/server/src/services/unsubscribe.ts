import { randomBytes } from "node:crypto";
import {
  type EmailMessage,
  MailrouteError,
  type MailStore,
  mailrouteSource,
  oneClickUnsubscribeHeaders,
  recipientsOf,
  unsubscribeDedupeKey,
  unsubscribeUrl,
} from "@mailroute/core";
import {
  messageIdOfToken,
  signUnsubscribeToken,
  verifyUnsubscribeToken,
} from "./unsubscribe-token";

/** The settings key of the signing secret generated when the configuration names none. */
export const unsubscribeSecretKey = "unsubscribe_secret";

/** What one-click unsubscribe is built from. */
export interface UnsubscribeSettings {
  /** `server.publicUrl`: where recipients reach this mailroute; null when not configured. */
  publicUrl: string | null;
  /** `server.unsubscribeSecret`; without it one is generated once and kept in the database. */
  secret?: string | undefined;
}

/** Signs unsubscribe links at accept and checks them when they come back. */
export interface UnsubscribeLinks {
  /** True when `server.publicUrl` is set, so links can be made. */
  readonly available: boolean;
  /**
   * The message with `List-Unsubscribe` and `List-Unsubscribe-Post` for its one recipient added;
   * UNSUPPORTED_FEATURE (422) without `server.publicUrl` or with more than one recipient.
   */
  addHeaders(message: EmailMessage): Promise<EmailMessage>;
  /** True when the token is the one signed for this message id and recipient. */
  verify(token: string, recipient: string): Promise<boolean>;
}

/**
 * Builds the link signer. The secret is read (or generated and kept, the first writer winning so
 * every instance on the database signs alike) on first use, not at start-up.
 */
export function createUnsubscribeLinks(
  settings: UnsubscribeSettings,
  store: Pick<MailStore, "keepSetting">,
): UnsubscribeLinks {
  let secret: Promise<string> | undefined;
  const secretOf = (): Promise<string> => {
    secret ??= (
      settings.secret
        ? Promise.resolve(settings.secret)
        : store.keepSetting(unsubscribeSecretKey, randomBytes(32).toString("base64url"), new Date())
    ).catch((error: unknown) => {
      secret = undefined;
      throw error;
    });
    return secret;
  };
  return {
    available: settings.publicUrl !== null,
    async addHeaders(message) {
      if (settings.publicUrl === null) {
        throw new MailrouteError(
          "UNSUPPORTED_FEATURE",
          "unsubscribe needs server.publicUrl: set it in the configuration to the address where recipients reach mailroute (e.g. https://mail.example.com)",
          {
            details: [{ path: "unsubscribe", message: "needs server.publicUrl to be configured" }],
          },
        );
      }
      const recipients = recipientsOf(message);
      if (recipients.length !== 1 || !recipients[0]) {
        throw new MailrouteError(
          "UNSUPPORTED_FEATURE",
          "unsubscribe needs exactly one recipient in to, cc and bcc together: the List-Unsubscribe header is the same for every recipient of a message, so send one message per recipient (POST /v1/messages/batch sends many in one call)",
          {
            details: [
              {
                path: "unsubscribe",
                message: `needs exactly one recipient in all; this message has ${recipients.length}`,
              },
            ],
          },
        );
      }
      const token = signUnsubscribeToken(await secretOf(), message.id, recipients[0]);
      return {
        ...message,
        headers: {
          ...message.headers,
          ...oneClickUnsubscribeHeaders(unsubscribeUrl(settings.publicUrl, token)),
        },
      };
    },
    async verify(token, recipient) {
      return verifyUnsubscribeToken(await secretOf(), token, recipient);
    },
  };
}

/** Whom a valid token unsubscribes. */
export interface UnsubscribeTarget {
  messageId: string;
  recipient: string;
}

/** The one-click unsubscribe resource behind `/u/:token` (no API key: the token is the key). */
export interface UnsubscribeService {
  /** Checks a token without changing anything (the confirmation page); NOT_FOUND unless valid. */
  check(token: string): Promise<UnsubscribeTarget>;
  /**
   * Suppresses the token's recipient and records an `unsubscribed` event for its message, once
   * however often it is posted; NOT_FOUND (and nothing changed) unless the token is valid.
   */
  unsubscribe(
    token: string,
    request: { userAgent?: string | undefined },
  ): Promise<UnsubscribeTarget>;
}

const notFound = () => new MailrouteError("NOT_FOUND", "this unsubscribe link is not valid");

/** Builds the unsubscribe service over the store and the link signer. */
export function createUnsubscribeService(dependencies: {
  store: Pick<MailStore, "getMessage" | "recordProviderEvents">;
  links: UnsubscribeLinks;
}): UnsubscribeService {
  const { store, links } = dependencies;
  const find = async (token: string) => {
    const messageId = messageIdOfToken(token);
    const message = messageId ? await store.getMessage(messageId) : null;
    // Only single-recipient messages ever get a token; any other message's id is not one.
    const recipients = message ? recipientsOf(message) : [];
    const recipient = recipients.length === 1 ? recipients[0] : undefined;
    if (!message || !recipient || !(await links.verify(token, recipient))) {
      throw notFound();
    }
    return { message, recipient };
  };
  return {
    async check(token) {
      const { message, recipient } = await find(token);
      return { messageId: message.id, recipient };
    },
    async unsubscribe(token, request) {
      const { message, recipient } = await find(token);
      const now = new Date();
      // The same path as a provider's unsubscribe event: suppressed, on the timeline, in the
      // feed and out to the webhooks; the dedupe key makes a repeated POST count once.
      await store.recordProviderEvents({
        provider: mailrouteSource,
        providerType: mailrouteSource,
        receivedAt: now,
        events: [
          {
            type: "unsubscribed",
            bounce: null,
            recipient,
            occurredAt: now.toISOString(),
            providerMessageId: null,
            providerEventId: null,
            mailrouteId: message.id,
            reason: "one-click unsubscribe (RFC 8058)",
            smtpCode: null,
            enhancedStatus: null,
            url: null,
            userAgent: request.userAgent?.slice(0, 512) ?? null,
            tags: message.tags,
            metadata: message.metadata,
            dedupeKey: unsubscribeDedupeKey(message.id, recipient),
            raw: null,
          },
        ],
      });
      return { messageId: message.id, recipient };
    },
  };
}
