import { afterAll, describe, expect, it } from "vitest";
import { createApiClient, waitUntil } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "mr_e2e_metrics_docs_key_000000000000000000";
const token = "scrape-token-e2e-0123456789";

describe("the compiled server's /metrics and /docs", () => {
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("counts a send on /metrics behind metrics.token, and serves every /docs file from node_modules", async () => {
    server = await startServer(
      serverEnvironment({
        prefix: "metrics-docs",
        config: { metrics: { token: "env:MAILROUTE_METRICS_TOKEN" } },
        apiKey,
        extra: { MAILROUTE_METRICS_TOKEN: token },
      }),
    );
    const base = server.url;
    const api = createApiClient(() => base, apiKey);
    const answer = await api.send({
      from: "Acme <noreply@acme.test>",
      to: "user@example.com",
      subject: "Hello",
      text: "Hi",
    });
    expect(answer.status).toBe(202);
    await waitUntil(
      async () =>
        (await api.get<{ status: string }>(`/v1/messages/${answer.id}`)).status === "sent",
      10_000,
    );

    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const scraped = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(text).toMatch(/^mailroute_messages_accepted_total 1$/m);
    expect(text).toMatch(/^mailroute_messages_finished_total\{status="sent"\} 1$/m);
    expect(text).toMatch(
      /^mailroute_provider_attempts_total\{provider="capture",outcome="accepted"\} 1$/m,
    );
    expect(text).toMatch(/^mailroute_provider_breaker_state\{provider="capture"\} 0$/m);
    // The server adds prom-client's process metrics.
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);

    // dist/main.js finds swagger-ui-dist through node_modules, as the sources do.
    const html = await (await fetch(`${base}/docs`)).text();
    const urls = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map(([, url]) => url as string);
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) {
      expect(url).toMatch(/^\/[^/]/);
      const response = await fetch(`${base}${url}`);
      expect(response.status, url).toBe(200);
      expect((await response.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
    }
  });
});
