import { providerTypes } from "@mailroute/core";
import { createTestStore } from "@mailroute/store/testing";
import { describe, expect, it } from "vitest";
import { createProviders, loadProviderKinds, providerKinds } from "./providers";
import { createInboundWebhookEndpoints } from "./services/inbound-webhooks/create-inbound-webhook-endpoints";

describe("provider kinds", () => {
  it("loads every type's adapter package with the parts it has", async () => {
    const parts = Object.fromEntries(
      await Promise.all(
        providerTypes.map(async (type) => {
          const kind = await providerKinds[type]();
          return [type, [kind.send !== null, kind.webhook !== null]] as const;
        }),
      ),
    );
    expect(parts).toEqual({
      capture: [true, true],
      sendgrid: [true, true],
      mailgun: [true, true],
      postmark: [true, true],
      smtp: [true, false],
      ses: [false, true],
      resend: [false, true],
      brevo: [false, true],
      mailjet: [false, true],
      sparkpost: [false, true],
    });
  });

  it("builds senders and webhook endpoints from the kinds the configuration uses", async () => {
    const publicKey =
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
    const entries = [
      { name: "main", type: "sendgrid" as const, apiKey: "SG.key", webhook: { publicKey } },
      { name: "inbox", type: "capture" as const },
      { name: "events", type: "resend" as const, webhook: { secret: "whsec_MTIzNDU2Nzg5MA==" } },
    ];
    const kinds = await loadProviderKinds(entries);
    expect([...kinds.keys()].sort()).toEqual(["capture", "resend", "sendgrid"]);
    const providers = createProviders(entries, kinds, { store: createTestStore() });
    expect([...providers.keys()]).toEqual(["main", "inbox"]);
    expect(providers.get("main")?.type).toBe("sendgrid");
    const endpoints = createInboundWebhookEndpoints(entries, kinds);
    expect([...endpoints.keys()]).toEqual(["main", "events"]);
  });
});
