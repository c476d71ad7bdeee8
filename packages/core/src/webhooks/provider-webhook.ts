import type { BounceClass, EmailEventType } from "../events/email-event";

/** An incoming webhook request, as the server hands it to a provider's handler. */
export interface WebhookRequest {
  method: string;
  /** The full URL the provider posted to (some schemes sign it). */
  url: string;
  /** Header names lowercased; a repeated header is joined with ", ". */
  headers: Record<string, string>;
  /** The body exactly as received: signatures cover these bytes, so verify before parsing. */
  rawBody: Uint8Array;
  /** The peer address, for providers that publish the addresses they post from. */
  remoteAddress?: string | undefined;
}

/**
 * One use of the single-use value a signed webhook carries (Mailgun's token, Svix's id and
 * timestamp), recorded so that a captured request cannot be posted again.
 */
export interface ReplayClaim {
  key: string;
  /**
   * SHA-256 (hex) of the body the key came with: a later use with the same digest is the
   * provider retrying a delivery and is let through. Null when any second use is a replay.
   */
  bodyDigest: string | null;
  /** When the key stops mattering: its timestamp leaves the tolerance, so it is refused as stale. */
  expiresAt: Date;
}

/** What verification may use besides the request. */
export interface WebhookContext {
  now: Date;
  /** Fetches a signing certificate (Amazon SNS); injected so tests never leave the machine. */
  fetch?: typeof fetch;
  /**
   * Records a replay claim for this endpoint in the database, so it holds across restarts and
   * across processes sharing the database. Resolves false when the key is already held, unexpired,
   * with another body digest (or with none); check and record are one atomic step. Providers whose
   * signature can be replayed refuse the request when it is missing.
   */
  claimReplayKey?: (claim: ReplayClaim) => Promise<boolean>;
}

/** A normalized event as a provider's webhook reports it, before mailroute stores it. */
export interface ProviderEvent {
  type: EmailEventType;
  /** Set for `bounced` events. */
  bounce: BounceClass | null;
  /** Bare address, lowercased. */
  recipient: string | null;
  /** ISO 8601, millisecond precision at least; null when the provider gives no time (the server then uses when it received the event). */
  occurredAt: string | null;
  /** The id the provider's send API returned, so the event correlates to our attempt. */
  providerMessageId: string | null;
  /** The provider's own id for this event, when it has one. */
  providerEventId: string | null;
  /** mailroute's message id, read back from the metadata the adapter sent (`mailroute_id`). */
  mailrouteId: string | null;
  /** The provider's explanation or the SMTP diagnostic; not normalized. */
  reason: string | null;
  smtpCode: number | null;
  enhancedStatus: string | null;
  /** The clicked link. */
  url: string | null;
  userAgent: string | null;
  /** The sender's tags echoed back. */
  tags: string[];
  /** The sender's metadata echoed back, without `mailroute_id`. */
  metadata: Record<string, string>;
  /**
   * What makes a redelivery of this same event recognisable (the provider's event id, or a
   * token); null to let the server hash the raw item.
   */
  dedupeKey: string | null;
  /** The untouched provider item this event came from. */
  raw: unknown;
}

/** What a verified body turned out to be. */
export type WebhookPayload =
  /** Delivery or engagement events, to be mapped by `toEvents`. */
  | { kind: "events"; payload: unknown }
  /** A subscription handshake (Amazon SNS): answer 200 and confirm at `confirmUrl`. */
  | { kind: "subscribe"; confirmUrl: string }
  /** Authentic but carrying nothing to record (a ping, an unsubscribe confirmation). */
  | { kind: "ignore"; reason: string };

/**
 * One provider's webhook handling, split the Symfony way: `verify` is the only step that sees
 * secrets and headers; `parse` turns the verified bytes into a payload; `toEvents` is a pure
 * mapping table from that payload to normalized events.
 */
export interface ProviderWebhook {
  /** Throws `WebhookVerificationError` unless the request is authentic. */
  verify(request: WebhookRequest, context: WebhookContext): Promise<void>;
  /** Throws `WebhookPayloadError` when the body is not what this provider sends. */
  parse(request: WebhookRequest): WebhookPayload;
  toEvents(payload: unknown): ProviderEvent[];
}
