import type { EmulatorControl } from "@mailroute/core/testing";
import { defaultPostmarkServerToken, startPostmarkEmulator } from "@mailroute/emulators/postmark";
import { sendGridTestApiKey, startSendGridEmulator } from "@mailroute/emulators/sendgrid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, waitUntil } from "./support/api-client";
import { type ServerProcess, serverEnvironment, startServer } from "./support/server-process";

const apiKey = "e2e-admin-key-0123456789";

interface Message {
  status: string;
  subject: string;
  html: string | null;
  text: string | null;
  template: { id: string; version: number } | null;
  attempts: { provider: string; outcome: string }[];
}

describe("a templated message that fails over", () => {
  let primary: EmulatorControl;
  let secondary: EmulatorControl;
  let server: ServerProcess | undefined;
  const api = createApiClient(() => server?.url ?? "", apiKey);

  beforeAll(async () => {
    primary = await startSendGridEmulator();
    secondary = await startPostmarkEmulator();
    server = await startServer(
      serverEnvironment({
        prefix: "templates",
        config: {
          providers: [
            {
              name: "primary",
              type: "sendgrid",
              apiKey: sendGridTestApiKey,
              baseUrl: primary.baseUrl,
            },
            {
              name: "secondary",
              type: "postmark",
              serverToken: defaultPostmarkServerToken,
              baseUrl: secondary.baseUrl,
            },
          ],
        },
        apiKey,
      }),
    );
  });

  afterAll(async () => {
    await server?.stop();
    await primary.close();
    await secondary.close();
  });

  it("sends the same rendered subject, HTML and text through both providers", async () => {
    const layout = await api.post<{ id: string }>("/v1/templates", {
      name: "layout",
      kind: "partial",
      html: "<style>.total { font-weight: bold }</style><main>{{> @partial-block}}</main><footer>Acme</footer>",
    });
    expect(layout.status).toBe(201);
    const receipt = await api.post<{ id: string }>("/v1/templates", {
      name: "receipt",
      subject: "Receipt {{order.id}} for {{user.name}}",
      html: '{{#> layout}}<p>Hello {{user.name}},</p><p class="total">Total: {{order.total}}</p>{{/layout}}',
    });
    expect(receipt.status).toBe(201);
    // The primary takes the whole request, then resets the connection: an ambiguous outcome,
    // so mailroute fails over, and both providers hold a copy of the message.
    primary.fault({ kind: "acceptThenReset", times: 1 });
    const answer = await api.send({
      from: "Acme <billing@acme.test>",
      to: "ada@example.com",
      template: {
        id: "receipt",
        data: { user: { name: "Ada <Lovelace>" }, order: { id: "o-42", total: "3.20 EUR" } },
      },
    });
    expect(answer.status).toBe(202);
    let message: Message | undefined;
    await waitUntil(async () => {
      message = await api.get<Message>(`/v1/messages/${answer.id}`);
      return message.status === "sent";
    }, 20_000);
    expect(message).toMatchObject({
      status: "sent",
      subject: "Receipt o-42 for Ada <Lovelace>",
      template: { id: receipt.body.id, version: 1 },
      attempts: [
        { provider: "primary", outcome: "ambiguous" },
        { provider: "secondary", outcome: "accepted" },
      ],
    });
    expect(message?.html).toContain(
      '<p class="total" style="font-weight: bold;">Total: 3.20 EUR</p>',
    );
    expect(message?.html).toContain("Hello Ada &lt;Lovelace&gt;,");
    expect(message?.text).toContain("Hello Ada <Lovelace>,");

    const [first] = primary.ledger();
    const [second] = secondary.ledger();
    expect(primary.ledger()).toHaveLength(1);
    expect(secondary.ledger()).toHaveLength(1);
    const parts = (entry: typeof first) => ({
      subject: entry?.subject,
      html: entry?.html,
      text: entry?.text,
    });
    expect(parts(first)).toEqual({
      subject: message?.subject,
      html: message?.html,
      text: message?.text,
    });
    expect(parts(second)).toEqual(parts(first));
  });
});
