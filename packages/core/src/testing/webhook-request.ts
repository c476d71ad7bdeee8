import type { WebhookRequest } from "../webhooks/provider-webhook";

/**
 * A JSON webhook request as a provider would post it to mailroute, for tests that write the
 * body by hand rather than take it from the corpus.
 */
export function webhookRequest(
  provider: string,
  body: string,
  headers: Record<string, string> = {},
): WebhookRequest {
  return {
    method: "POST",
    url: `https://mailroute.example/webhooks/${provider}`,
    headers: { "content-type": "application/json", ...headers },
    rawBody: new TextEncoder().encode(body),
  };
}
