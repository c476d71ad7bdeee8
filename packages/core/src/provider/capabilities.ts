import type { EmailMessage } from "../message/message-schema";
import { setsTracking } from "../message/tracking";

/**
 * How a provider's open and click tracking is switched: `perMessage`, by its send API (each
 * adapter maps `tracking` to the provider's own fields); `account`, only in the provider account's
 * settings (a domain or server setting), so a message cannot choose; `none`, never: the provider
 * does not track at all (SMTP), so there is nothing to switch and nothing is tracked.
 */
export const trackingControls = ["perMessage", "account", "none"] as const;

/** One of {@link trackingControls}. */
export type TrackingControl = (typeof trackingControls)[number];

/** What a provider can carry, so the router skips it instead of letting a send fail. */
export interface ProviderCapabilities {
  /** Most recipients (to + cc + bcc) in one call. */
  maxRecipients: number;
  /** Largest message accepted, counting bodies and base64 attachments, in bytes. */
  maxMessageBytes: number;
  /** Most tags the provider keeps per message; 0 when it has none. */
  maxTags: number;
  attachments: boolean;
  inlineImages: boolean;
  customHeaders: boolean;
  metadata: boolean;
  /** How far ahead `sendAt` may be, in ms; 0 when the provider cannot schedule. */
  maxScheduleAheadMs: number;
  /** True when the provider dedupes sends by an idempotency key, making a retry safe. */
  idempotency: boolean;
  /** Where open and click tracking is switched; see {@link trackingControls}. */
  tracking: TrackingControl;
}

/** Rough size of a message as a provider counts it. */
export function messageSizeBytes(message: EmailMessage): number {
  let size = (message.text?.length ?? 0) + (message.html?.length ?? 0) + message.subject.length;
  for (const attachment of message.attachments) {
    size += attachment.content.length;
  }
  for (const [name, value] of Object.entries(message.headers)) {
    size += name.length + value.length;
  }
  return size;
}

/**
 * Says why a provider cannot carry a message as asked, or null when it can. Like anymail, a
 * provider that would silently drop a feature is treated as unable to send the message.
 */
export function findUnsupportedFeature(
  message: EmailMessage,
  capabilities: ProviderCapabilities,
  now: number = Date.now(),
): string | null {
  const recipients = message.to.length + message.cc.length + message.bcc.length;
  if (recipients > capabilities.maxRecipients) {
    return `${recipients} recipients exceed its limit of ${capabilities.maxRecipients}`;
  }
  const size = messageSizeBytes(message);
  if (size > capabilities.maxMessageBytes) {
    return `message of ${size} bytes exceeds its limit of ${capabilities.maxMessageBytes}`;
  }
  if (message.tags.length > capabilities.maxTags) {
    return `${message.tags.length} tags exceed its limit of ${capabilities.maxTags}`;
  }
  if (message.attachments.length > 0 && !capabilities.attachments) {
    return "attachments are not supported";
  }
  if (
    message.attachments.some((attachment) => attachment.contentId) &&
    !capabilities.inlineImages
  ) {
    return "inline images are not supported";
  }
  if (Object.keys(message.headers).length > 0 && !capabilities.customHeaders) {
    return "custom headers are not supported";
  }
  if (Object.keys(message.metadata).length > 0 && !capabilities.metadata) {
    return "metadata is not supported";
  }
  if (setsTracking(message.tracking) && capabilities.tracking === "account") {
    return "open/click tracking is set in its account, not per message; this message sets tracking";
  }
  if (message.sendAt) {
    const ahead = Date.parse(message.sendAt) - now;
    // A sendAt in the past (or now) is sent at once by the dispatcher, so it needs no scheduling.
    if (
      ahead > 0 &&
      ahead > capabilities.maxScheduleAheadMs &&
      capabilities.maxScheduleAheadMs > 0
    ) {
      return `sendAt is further ahead than its ${capabilities.maxScheduleAheadMs} ms limit`;
    }
  }
  return null;
}
