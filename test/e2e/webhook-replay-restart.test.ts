import { createHmac, randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createApiClient } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "e2e-admin-key-0123456789";
const signingKey = "e2e-mailgun-webhook-signing-key";

/** A Mailgun JSON webhook for `event`, carrying the given signature block. */
function mailgunBody(signature: Record<string, string>, event: string, recipient: string) {
  return JSON.stringify({
    signature,
    "event-data": {
      id: `evt-${event}-${recipient}`,
      timestamp: Number(signature.timestamp),
      event,
      recipient,
      message: { headers: { "message-id": "20260301.1@mg.acme.test" } },
    },
  });
}

describe("Mailgun replay protection across a restart", () => {
  const environment = serverEnvironment({
    prefix: "replay",
    config: {
      providers: [
        {
          name: "mailgun",
          type: "mailgun",
          apiKey: "key-e2e",
          domain: "mg.acme.test",
          webhook: { signingKey },
        },
      ],
    },
    apiKey,
  });
  let server: ServerProcess | undefined;
  const api = createApiClient(() => server?.url ?? "", apiKey);
  const post = (body: string) =>
    fetch(`${server?.url}/webhooks/mailgun`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });

  afterAll(async () => {
    await server?.stop();
  });

  it("refuses a signature block reattached to other event data after a restart, and lets Mailgun's retry through", async () => {
    // Signed now, so every post below is inside the 300 s tolerance.
    const timestamp = String(Math.floor(Date.now() / 1000));
    const token = randomBytes(25).toString("hex");
    const signature = {
      timestamp,
      token,
      signature: createHmac("sha256", signingKey).update(`${timestamp}${token}`).digest("hex"),
    };
    const delivered = mailgunBody(signature, "delivered", "user@example.com");
    const forged = mailgunBody(signature, "complained", "victim@example.com");

    server = await startServer(environment);
    const first = await post(delivered);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ received: 1, duplicates: 0 });

    await server.stop();
    server = await startServer(environment);

    const replayed = await post(forged);
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { error: { code: string } }).error.code).toBe(
      "WEBHOOK_VERIFICATION_FAILED",
    );
    const suppressions = await api.get<{ data: unknown[] }>("/v1/suppressions");
    expect(suppressions.data).toEqual([]);

    const retried = await post(delivered);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ received: 1, stored: 0, duplicates: 1 });
  });
});
