import { WebhookPayloadError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { mapPostmarkEvent } from "./map-postmark-event";

function mapOne(record: Record<string, unknown>) {
  const events = mapPostmarkEvent(record);
  expect(events).toHaveLength(1);
  return events[0]!;
}

function bounce(fields: Record<string, unknown>) {
  return mapOne({
    RecordType: "Bounce",
    ID: 7,
    MessageID: "m-1",
    Email: "Someone@Example.com",
    BouncedAt: "2024-01-02T03:04:05.6789012Z",
    ...fields,
  });
}

describe("mapPostmarkEvent", () => {
  it.each([
    ["SoftBounce", "bounced", "soft"],
    ["HardBounce", "bounced", "hard"],
    ["VirusNotification", "bounced", "undetermined"],
    ["Transient", "deferred", null],
    ["DnsError", "deferred", null],
    ["OpenRelayTest", "deferred", null],
    ["AutoResponder", "autoresponded", null],
    ["AddressChange", "autoresponded", null],
    ["ChallengeVerification", "autoresponded", null],
    ["SpamNotification", "complained", null],
    ["BadEmailAddress", "rejected", null],
    ["ManuallyDeactivated", "rejected", null],
    ["Unconfirmed", "rejected", null],
    ["Blocked", "rejected", null],
    ["DMARCPolicy", "rejected", null],
    ["SMTPApiError", "failed", null],
    ["TemplateRenderingFailed", "failed", null],
    ["Unsubscribe", "unsubscribed", null],
    ["Subscribe", "unknown", null],
    ["Unknown", "unknown", null],
    ["InboundError", "unknown", null],
  ])("maps a bounce of Type %s to %s", (type, eventType, bounceClass) => {
    expect(bounce({ Type: type })).toMatchObject({ type: eventType, bounce: bounceClass });
  });

  it.each([
    // Postmark leaves these bounces undetermined; the diagnostic in Details says which they are.
    [{}, "smtp;550 5.1.1 The email account that you tried to reach does not exist.", "hard"],
    [{ Type: "SomeNewType" }, "smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound", "hard"],
    [{}, "smtp;452 4.2.2 The email account that you tried to reach is over quota", "soft"],
    [{ Type: "VirusNotification" }, "554 5.7.1 Service unavailable; Client host blocked", "block"],
  ])("classes a bounce %j with Details %j from the SMTP status", (fields, details, bounceClass) => {
    expect(bounce({ ...fields, Details: details })).toMatchObject({
      type: "bounced",
      bounce: bounceClass,
    });
  });

  it.each([
    ["HardBounce", "smtp;554 5.7.1 Service unavailable; Client host blocked", "hard"],
    [
      "SoftBounce",
      "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
      "soft",
    ],
  ])("keeps Postmark's own %s over the SMTP status", (type, details, bounceClass) => {
    expect(bounce({ Type: type, Details: details }).bounce).toBe(bounceClass);
  });

  it("falls back to TypeCode when Type is missing or unlisted", () => {
    expect(bounce({ TypeCode: 4096 })).toMatchObject({ type: "bounced", bounce: "soft" });
    expect(bounce({ Type: "Brand-new", TypeCode: 2 })).toMatchObject({ type: "deferred" });
  });

  it("keeps an unlisted bounce type a bounce of undetermined class, as anymail does", () => {
    expect(bounce({ Type: "Brand-new", TypeCode: 999 })).toMatchObject({
      type: "bounced",
      bounce: "undetermined",
    });
  });

  it("maps an unknown RecordType to unknown", () => {
    expect(mapOne({ RecordType: "Spaceship", MessageID: "m-2" })).toMatchObject({
      type: "unknown",
      bounce: null,
      providerMessageId: "m-2",
      occurredAt: null,
    });
  });

  it("does not read a RecordType from Object.prototype", () => {
    expect(mapOne({ RecordType: "constructor" }).type).toBe("unknown");
    expect(bounce({ Type: "toString" }).type).toBe("bounced");
  });

  it("maps a subscription change suppressed for a spam complaint to complained", () => {
    const event = mapOne({
      RecordType: "SubscriptionChange",
      Recipient: "a@example.com",
      ChangedAt: "2024-01-01T00:00:00Z",
      SuppressSending: true,
      SuppressionReason: "SpamComplaint",
    });
    expect(event.type).toBe("complained");
  });

  it("reads mailroute_id out of Metadata and keeps the rest as strings", () => {
    const event = mapOne({
      RecordType: "Delivery",
      Recipient: "a@example.com",
      DeliveredAt: "2024-01-01T00:00:00Z",
      MessageID: "m-3",
      Metadata: { mailroute_id: "msg_123", cohort: "A", count: 3 },
    });
    expect(event.mailrouteId).toBe("msg_123");
    expect(event.metadata).toEqual({ cohort: "A", count: "3" });
  });

  it("reads the SMTP code and enhanced status from a bounce's Details", () => {
    const event = bounce({ Type: "HardBounce", Details: "smtp;550 5.1.1 no such user" });
    expect(event).toMatchObject({
      reason: "smtp;550 5.1.1 no such user",
      smtpCode: 550,
      enhancedStatus: "5.1.1",
      recipient: "someone@example.com",
      occurredAt: "2024-01-02T03:04:05.678Z",
      providerEventId: "7",
      dedupeKey: "7",
    });
  });

  it("leaves occurredAt null when Postmark sends no usable time, for the server to fill", () => {
    expect(bounce({ BouncedAt: "not a date" }).occurredAt).toBeNull();
  });

  it("dates an inbound record by its Date header and names its mailbox", () => {
    const event = mapOne({
      FromFull: { Email: "someone@example.com" },
      ToFull: [{ Email: "Box+Hash@inbound.postmarkapp.com" }],
      Date: "Fri, 5 May 2023 17:41:16 -0400",
      MessageID: "in-1",
    });
    expect(event).toMatchObject({
      type: "unknown",
      recipient: "box+hash@inbound.postmarkapp.com",
      occurredAt: "2023-05-05T21:41:16.000Z",
    });
  });

  it("leaves dedupeKey null for records without an ID", () => {
    const event = mapOne({ RecordType: "Open", Recipient: "a@example.com", MessageID: "m" });
    expect(event.dedupeKey).toBeNull();
    expect(event.providerEventId).toBeNull();
  });

  it("is pure: the same payload gives the same events", () => {
    const record = { RecordType: "Open", MessageID: "m" };
    expect(mapPostmarkEvent(record)).toEqual(mapPostmarkEvent(record));
  });

  it.each([
    ["an array", []],
    ["a record with a wrongly typed field", { RecordType: "Bounce", ID: [] }],
    ["nothing", undefined],
  ])("refuses %s", (_case, value) => {
    expect(() => mapPostmarkEvent(value)).toThrow(WebhookPayloadError);
  });
});
