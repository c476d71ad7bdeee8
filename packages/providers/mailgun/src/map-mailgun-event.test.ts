import { describe, expect, it } from "vitest";
import type { MailgunJsonBody } from "./mailgun-webhook-payload";
import { mapMailgunJsonEvent, mapMailgunLegacyEvent, mapMailgunPayload } from "./map-mailgun-event";

const signature = { timestamp: "1700000000", token: "token-1", signature: "0".repeat(64) };

function json(eventData: Record<string, unknown> & { event: string }): MailgunJsonBody {
  return { signature, "event-data": { id: "evt-1", timestamp: 1700000001.5, ...eventData } };
}

function permanentFailure(
  reason: string | undefined,
  code: number,
  enhancedCode: string,
  message: string,
) {
  return mapMailgunJsonEvent(
    json({
      event: "failed",
      severity: "permanent",
      reason,
      "delivery-status": { code, "enhanced-code": enhancedCode, message },
    }),
  );
}

describe("mapMailgunJsonEvent", () => {
  it.each([
    ["stored", null, "unknown"],
    ["list_member_uploaded", null, "unknown"],
    ["constructor", null, "unknown"],
    ["failed", "temporary", "deferred"],
    ["failed", "permanent", "bounced"],
    ["failed", null, "bounced"],
    ["failed", "some-new-severity", "bounced"],
    ["accepted", null, "queued"],
  ])("maps %s/%s to %s", (event, severity, type) => {
    expect(mapMailgunJsonEvent(json({ event, severity })).type).toBe(type);
  });

  it.each([
    ["bounce", "hard"],
    ["espblock", "block"],
    ["old", "soft"],
    ["suppress-complaint", "undetermined"],
    ["suppress-unsubscribe", "undetermined"],
    ["generic", "undetermined"],
    [undefined, "undetermined"],
  ])("classes a permanent failure for reason %s as %s", (reason, bounce) => {
    const mapped = mapMailgunJsonEvent(json({ event: "failed", severity: "permanent", reason }));
    expect(mapped.bounce).toBe(bounce);
  });

  it.each([
    // Gmail's unknown user behind Mailgun's generic reason: the production case of a 5.1.1 that
    // never reached the suppression list.
    [
      "generic",
      550,
      "5.1.1",
      "5.1.1 The email account that you tried to reach does not exist.",
      "hard",
    ],
    ["generic", 550, "", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found", "hard"],
    ["generic", 452, "4.2.2", "The email account that you tried to reach is over quota.", "soft"],
    [undefined, 554, "5.7.1", "Service unavailable; Client host blocked using Spamhaus", "block"],
    // `bounce` is any permanent refusal: a block list is a block, not a gone mailbox.
    ["bounce", 550, "5.7.1", "Unfortunately, messages from [x] weren't sent (S3150).", "block"],
  ])(
    "classes reason %s with %s %j (%s) as %s from the SMTP status",
    (reason, code, enhancedCode, message, bounce) => {
      expect(permanentFailure(reason, code, enhancedCode, message).bounce).toBe(bounce);
    },
  );

  it.each([
    // A bare 550 implies no class: `bounce` stays hard, `generic` undetermined.
    ["bounce", 550, "", "No Such User Here", "hard"],
    ["generic", 550, "", "No Such User Here", "undetermined"],
    ["espblock", 550, "5.1.1", "5.1.1 unknown", "block"],
    ["old", 550, "5.1.1", "5.1.1 unknown", "soft"],
  ])("keeps reason %s with %s %j (%s) as %s", (reason, code, enhancedCode, message, bounce) => {
    expect(permanentFailure(reason, code, enhancedCode, message).bounce).toBe(bounce);
  });

  it("leaves bounce empty on a temporary failure", () => {
    const mapped = mapMailgunJsonEvent(
      json({ event: "failed", severity: "temporary", reason: "bounce" }),
    );
    expect(mapped.bounce).toBeNull();
  });

  it("takes mailroute_id out of the user variables and keeps the rest as strings", () => {
    const mapped = mapMailgunJsonEvent(
      json({
        event: "delivered",
        "user-variables": { mailroute_id: "msg_123", plan: "pro", seats: 3, nested: { a: 1 } },
      }),
    );
    expect(mapped.mailrouteId).toBe("msg_123");
    expect(mapped.metadata).toEqual({ plan: "pro", seats: "3", nested: '{"a":1}' });
  });

  it("reads a rejected event's recipient from a single-address To header only", () => {
    const headers = (to: string) => ({ message: { headers: { to } } });
    expect(
      mapMailgunJsonEvent(json({ event: "rejected", ...headers("A <A@B.com>") })).recipient,
    ).toBe("a@b.com");
    expect(
      mapMailgunJsonEvent(json({ event: "rejected", ...headers("a@b.com, c@d.com") })).recipient,
    ).toBeNull();
    expect(
      mapMailgunJsonEvent(json({ event: "delivered", ...headers("a@b.com") })).recipient,
    ).toBeNull();
  });

  it("uses the token as dedupe key when the event has no id, and keeps milliseconds", () => {
    const mapped = mapMailgunJsonEvent({
      signature,
      "event-data": { event: "opened", timestamp: 1700000001.5 },
    });
    expect(mapped).toMatchObject({
      providerEventId: null,
      dedupeKey: "token-1",
      occurredAt: "2023-11-14T22:13:21.500Z",
    });
  });

  it("falls back to the signing time when the event has no timestamp", () => {
    const mapped = mapMailgunJsonEvent({ signature, "event-data": { event: "accepted" } });
    expect(mapped.occurredAt).toBe("2023-11-14T22:13:20.000Z");
  });

  it("reads odd field types as absent instead of failing", () => {
    const mapped = mapMailgunJsonEvent(
      json({ event: "delivered", recipient: 7, tags: "x", "delivery-status": [], message: "m" }),
    );
    expect(mapped).toMatchObject({
      recipient: null,
      tags: [],
      reason: null,
      providerMessageId: null,
    });
  });
});

describe("mapMailgunLegacyEvent", () => {
  const base: Array<[string, string]> = [
    ["timestamp", "1700000000"],
    ["token", "legacy-token"],
    ["signature", "0".repeat(64)],
  ];

  it.each([
    ["stored", "unknown"],
    ["permanent_fail", "unknown"],
    ["dropped", "rejected"],
  ])("maps %s to %s", (event, type) => {
    expect(mapMailgunLegacyEvent([["event", event], ...base]).type).toBe(type);
  });

  it.each([
    ["499", "soft"],
    // Mailgun's own code for a previous bounce stands over the reply in `error`.
    ["605", "undetermined"],
    ["550", "hard"],
    ["5.1.1", "hard"],
  ])("classes a bounced post with code %s as %s", (code, bounce) => {
    expect(mapMailgunLegacyEvent([["event", "bounced"], ["code", code], ...base]).bounce).toBe(
      bounce,
    );
  });

  it.each([
    ["550", "550 5.7.1 Service unavailable; Client host blocked using Spamhaus", "block"],
    ["552", "552 5.2.2 The email account that you tried to reach is over quota", "soft"],
    ["550", "550 5.1.1 The email account that you tried to reach does not exist.", "hard"],
    ["5.7.1", "Message rejected by policy", "block"],
  ])(
    "classes a bounced post with code %s and error %j from the SMTP status",
    (code, error, bounce) => {
      const fields: Array<[string, string]> = [
        ["event", "bounced"],
        ["code", code],
        ["error", error],
        ...base,
      ];
      expect(mapMailgunLegacyEvent(fields).bounce).toBe(bounce);
    },
  );

  it("reads mailroute_id from the form fields of an engagement post", () => {
    const mapped = mapMailgunLegacyEvent([
      ["event", "opened"],
      ["mailroute_id", "msg_9"],
      ["plan", "pro"],
      ["ip", "10.0.0.1"],
      ...base,
    ]);
    expect(mapped).toMatchObject({ mailrouteId: "msg_9", metadata: { plan: "pro" } });
    expect(mapped.metadata).not.toHaveProperty("ip");
  });

  it("reads mailroute_id from X-Mailgun-Variables when the post has message headers", () => {
    const headers = JSON.stringify([
      ["X-Mailgun-Variables", JSON.stringify({ mailroute_id: "msg_7", plan: "pro" })],
      ["Message-Id", "<abc@mg.example.com>"],
    ]);
    const mapped = mapMailgunLegacyEvent([
      ["event", "complained"],
      ["message-headers", headers],
      ["stray", "field"],
      ...base,
    ]);
    expect(mapped).toMatchObject({
      mailrouteId: "msg_7",
      metadata: { plan: "pro" },
      providerMessageId: "abc@mg.example.com",
    });
    expect(mapped.metadata).not.toHaveProperty("stray");
  });

  it("survives message headers that are not JSON", () => {
    const mapped = mapMailgunLegacyEvent([
      ["event", "delivered"],
      ["message-headers", "[oops"],
      ...base,
    ]);
    expect(mapped).toMatchObject({ metadata: {}, providerMessageId: null, type: "delivered" });
  });

  it("keeps the post as raw, a repeated field as a list", () => {
    const raw = mapMailgunLegacyEvent([
      ["event", "opened"],
      ["tag", "a"],
      ["tag", "b"],
      ...base,
    ]).raw;
    expect(raw).toMatchObject({ event: "opened", tag: ["a", "b"], token: "legacy-token" });
  });
});

describe("mapMailgunPayload", () => {
  it("returns exactly one event per request", () => {
    expect(mapMailgunPayload({ format: "json", body: json({ event: "opened" }) })).toHaveLength(1);
  });
});
