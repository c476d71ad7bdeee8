import { afterAll, describe, expect, it } from "vitest";
import { createApiClient, mapConcurrently, waitUntil } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "e2e-admin-key-0123456789";
const total = 200;

interface Summary {
  id: string;
  status: string;
  possibleDuplicate: boolean;
}
interface Capture {
  messageId: string;
  requests: number;
}
interface Detail {
  attempts: { outcome: string; error: { code?: string } | null }[];
}

describe("kill -9 during dispatch", () => {
  // A slow capture provider and little concurrency, so the kill lands with most messages unsent;
  // short leases, so the restarted server reclaims the dead worker's jobs quickly.
  const environment = serverEnvironment({
    prefix: "kill",
    config: {
      providers: [{ name: "capture", type: "capture", latencyMs: 25 }],
      dispatch: { concurrency: 2, attemptTimeoutMs: 1000, leaseMarginMs: 500 },
    },
    apiKey,
  });
  let server: ServerProcess | undefined;
  const api = createApiClient(() => server?.url ?? "", apiKey);

  afterAll(async () => {
    await server?.stop();
  });

  it("sends every acknowledged message exactly once after a restart", async () => {
    server = await startServer(environment);
    const bodies = Array.from({ length: total }, (_, index) => ({
      from: "Acme <noreply@acme.test>",
      to: `user${index}@example.com`,
      subject: `Receipt ${index}`,
      text: "Thanks",
    }));
    const answers = await mapConcurrently(bodies, 20, (body) => api.send(body));
    const acknowledged = answers
      .filter((answer) => answer.status === 202)
      .map((answer) => answer.id as string);
    expect(acknowledged).toHaveLength(total);

    const reachedThird = await waitUntil(
      async () => (await api.all<Capture>("/v1/captures")).length >= total / 3,
      20_000,
      20,
    );
    expect(reachedThird).toBe(true);
    await server.kill();
    const sentAtKill = (
      await (async () => {
        server = await startServer(environment);
        return api.all<Summary>("/v1/messages?status=sent");
      })()
    ).length;
    expect(sentAtKill).toBeLessThan(total);

    const allSent = await waitUntil(
      async () => (await api.all<Summary>("/v1/messages?status=sent")).length >= total,
      60_000,
      200,
    );
    const messages = await api.all<Summary>("/v1/messages");
    const captures = await api.all<Capture>("/v1/captures");
    const byId = new Map(messages.map((message) => [message.id, message]));
    const sent = acknowledged.filter((id) => byId.get(id)?.status === "sent").length;
    const lost = acknowledged.length - sent;
    const copies = new Map<string, number>();
    for (const capture of captures) {
      copies.set(capture.messageId, (copies.get(capture.messageId) ?? 0) + 1);
    }
    const duplicates = [...copies.values()].reduce((sum, count) => sum + count - 1, 0);
    const replayed = captures.reduce((sum, capture) => sum + capture.requests - 1, 0);
    const details = await mapConcurrently(acknowledged, 10, (id) =>
      api.get<Detail>(`/v1/messages/${id}`),
    );
    const interrupted = details
      .flatMap((detail) => detail.attempts)
      .filter((attempt) => attempt.error?.code === "INTERRUPTED").length;
    console.log(
      `acknowledged=${acknowledged.length} sent=${sent} lost=${lost} duplicates=${duplicates} ` +
        `sent_before_kill=${sentAtKill} interrupted=${interrupted} replayed_idempotently=${replayed}`,
    );
    expect(allSent).toBe(true);
    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    expect(copies.size).toBe(total);
    // Every repeated request to the provider is explained by an attempt the kill interrupted.
    expect(replayed).toBeLessThanOrEqual(interrupted);
    expect(messages.every((message) => !message.possibleDuplicate)).toBe(true);
  });
});
