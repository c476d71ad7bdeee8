import type { ProviderType, ProviderWebhook } from "@mailroute/core";
import type { ProviderEntry, ProviderKind } from "../../providers";

/** A configured provider's webhook endpoint. */
export interface InboundWebhookEndpoint {
  name: string;
  type: ProviderType;
  webhook: ProviderWebhook;
}

/** Builds a handler for every configured provider that has `webhook` settings. */
export function createInboundWebhookEndpoints(
  entries: readonly ProviderEntry[],
  kinds: Map<ProviderType, ProviderKind>,
): Map<string, InboundWebhookEndpoint> {
  const endpoints = new Map<string, InboundWebhookEndpoint>();
  for (const entry of entries) {
    const factory = kinds.get(entry.type)?.webhook;
    const settings = entry.webhook;
    if (factory && settings && typeof settings === "object") {
      endpoints.set(entry.name, {
        name: entry.name,
        type: entry.type,
        webhook: factory(settings as Record<string, unknown>, entry.name),
      });
    }
  }
  return endpoints;
}
