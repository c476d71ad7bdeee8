import type { ProviderEvent } from "../webhooks/provider-webhook";

/**
 * What identifies a redelivery of an event whose provider gave it no dedupe key of its own: the
 * same item posted again has the same type, recipient, time and raw payload. The server hashes
 * it into the key (core does no hashing).
 */
export function dedupeMaterialOf(
  event: Pick<ProviderEvent, "type" | "recipient" | "occurredAt" | "raw">,
): string {
  return JSON.stringify([event.type, event.recipient, event.occurredAt, event.raw]);
}

/** The dedupe key of a one-click unsubscribe: one per message and recipient, however often clicked. */
export function unsubscribeDedupeKey(messageId: string, recipient: string): string {
  return `unsubscribe:${messageId}:${recipient}`;
}
