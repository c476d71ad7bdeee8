import { WebhookPayloadError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { mapResendEvent } from "./map-resend-event";

function event(type: string, data: Record<string, unknown> = {}) {
  return {
    webhookId: "msg_1",
    body: {
      type,
      created_at: "2026-01-15T10:00:00.5Z",
      data: { email_id: "e-1", to: ["Someone <Someone@Example.com>"], ...data },
    },
  };
}

describe("mapResendEvent", () => {
  it.each([
    ["email.scheduled", "queued"],
    ["email.failed", "failed"],
    ["email.suppressed", "rejected"],
    ["email.received", "unknown"],
    ["email.something_new", "unknown"],
    ["email.constructor", "unknown"],
  ])("maps %s to %s", (type, expected) => {
    expect(mapResendEvent(event(type))[0]?.type).toBe(expected);
  });

  it("fills the common fields", () => {
    const payload = event("email.delivered");
    expect(mapResendEvent(payload)).toEqual([
      {
        type: "delivered",
        bounce: null,
        recipient: "someone@example.com",
        occurredAt: "2026-01-15T10:00:00.500Z",
        providerMessageId: "e-1",
        providerEventId: "msg_1",
        mailrouteId: null,
        reason: null,
        smtpCode: null,
        enhancedStatus: null,
        url: null,
        userAgent: null,
        tags: [],
        metadata: {},
        dedupeKey: "msg_1",
        raw: payload.body,
      },
    ]);
  });

  it.each([
    [{ type: "Transient", subType: "MailboxFull" }, "soft"],
    [{ type: "Permanent", subType: "General" }, "hard"],
    [{ type: "Permanent", subType: "Suppressed" }, "undetermined"],
    [{ type: "Undetermined" }, "undetermined"],
    [{ message: "The recipient's inbox was full." }, "soft"],
    [{ message: "Something else entirely" }, "undetermined"],
  ])("classes the bounce %j as %s", (bounce, expected) => {
    expect(mapResendEvent(event("email.bounced", { bounce }))[0]?.bounce).toBe(expected);
  });

  it.each([
    // Undetermined, General or no type at all: the diagnostic's SMTP status decides.
    [
      { type: "Undetermined" },
      "smtp; 550 5.1.1 The email account that you tried to reach does not exist.",
      "hard",
    ],
    [
      { type: "Undetermined", subType: "Undetermined" },
      "smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound",
      "hard",
    ],
    [
      { type: "Permanent", subType: "General" },
      "smtp; 554 5.7.1 Service unavailable; Client host blocked using Spamhaus",
      "block",
    ],
    [
      { message: "Something else entirely" },
      "smtp; 452 4.2.2 The email account that you tried to reach is over quota",
      "soft",
    ],
    [
      { message: "The recipient's email provider sent a hard bounce message." },
      "smtp; 550 5.7.1 Unfortunately, messages from [x] weren't sent (S3150).",
      "block",
    ],
  ])(
    "classes the bounce %j with diagnostic %j from the SMTP status",
    (bounce, diagnosticCode, expected) => {
      const [mapped] = mapResendEvent(
        event("email.bounced", { bounce: { ...bounce, diagnosticCode } }),
      );
      expect(mapped?.bounce).toBe(expected);
    },
  );

  it.each([
    [{ type: "Transient", subType: "MailboxFull" }, "smtp; 550 5.1.1 user unknown", "soft"],
    [{ type: "Permanent", subType: "Suppressed" }, "smtp; 550 5.1.1 user unknown", "undetermined"],
    [{ type: "Permanent", subType: "General" }, "smtp; 550 No Such User Here", "hard"],
  ])("keeps the bounce %j with diagnostic %j as %s", (bounce, diagnosticCode, expected) => {
    const [mapped] = mapResendEvent(
      event("email.bounced", { bounce: { ...bounce, diagnosticCode } }),
    );
    expect(mapped?.bounce).toBe(expected);
  });

  it("reads the SMTP diagnostic of a bounce", () => {
    const [mapped] = mapResendEvent(
      event("email.bounced", {
        bounce: {
          type: "Permanent",
          message: "The recipient's email provider sent a hard bounce message.",
          diagnosticCode: ["smtp; 550 5.1.1 user unknown"],
        },
      }),
    );
    expect(mapped).toMatchObject({
      reason: "smtp; 550 5.1.1 user unknown",
      smtpCode: 550,
      enhancedStatus: "5.1.1",
    });
  });

  it("reads the reason of a failed send", () => {
    const [mapped] = mapResendEvent(
      event("email.failed", { failed: { reason: "reached_daily_quota" } }),
    );
    expect(mapped?.reason).toBe("reached_daily_quota");
  });

  it("takes mailroute_id out of X-Metadata and keeps the rest as strings", () => {
    const [mapped] = mapResendEvent(
      event("email.sent", {
        headers: [
          { name: "X-Metadata", value: '{"mailroute_id":"msg_42","plan":"pro","seats":3}' },
          { name: "x-tags", value: '["welcome", 7]' },
        ],
      }),
    );
    expect(mapped).toMatchObject({
      mailrouteId: "msg_42",
      metadata: { plan: "pro", seats: "3" },
      tags: ["welcome"],
    });
  });

  it("reads mailroute_id from Resend's native tags when X-Metadata has none", () => {
    const objectTags = mapResendEvent(event("email.opened", { tags: { mailroute_id: "msg_7" } }));
    const listTags = mapResendEvent(
      event("email.opened", { tags: [{ name: "mailroute_id", value: "msg_8" }] }),
    );
    expect(objectTags[0]?.mailrouteId).toBe("msg_7");
    expect(listTags[0]?.mailrouteId).toBe("msg_8");
    expect(objectTags[0]?.tags).toEqual([]);
  });

  it("ignores X-Tags and X-Metadata that are not JSON, and odd optional fields", () => {
    const [mapped] = mapResendEvent(
      event("email.clicked", {
        headers: [
          { name: "X-Metadata", value: "not json" },
          { name: "X-Tags", value: "{" },
        ],
        click: "not an object",
      }),
    );
    expect(mapped).toMatchObject({ metadata: {}, tags: [], url: null, type: "clicked" });
  });

  it("has no recipient when `to` is empty or not an address", () => {
    expect(mapResendEvent(event("email.sent", { to: [] }))[0]?.recipient).toBeNull();
    expect(mapResendEvent(event("email.sent", { to: ["nobody"] }))[0]?.recipient).toBeNull();
  });

  it("has no event id or dedupe key without svix-id", () => {
    const [mapped] = mapResendEvent({ ...event("email.sent"), webhookId: null });
    expect(mapped).toMatchObject({ providerEventId: null, dedupeKey: null });
  });

  it.each([
    ["not a wrapper", "email.sent"],
    [
      "a non-email body",
      { webhookId: null, body: { type: "domain.created", created_at: "x", data: {} } },
    ],
  ])("refuses %s", (_case, payload) => {
    expect(() => mapResendEvent(payload)).toThrow(WebhookPayloadError);
  });
});
