import { readFileSync } from "node:fs";
import { WebhookPayloadError } from "@mailroute/core";
import { webhookFixturesFolder } from "@mailroute/core/testing";
import { describe, expect, it } from "vitest";
import { mapSesEvent } from "./map-ses-event";

const mail = {
  messageId: "0100018c-ses-id",
  destination: ["One@Example.com", "two@example.com"],
};

function mapRecord(record: Record<string, unknown>) {
  return mapSesEvent({ messageId: "sns-1", timestamp: "2024-01-02T03:04:05.678Z", record });
}

describe("mapSesEvent", () => {
  function bounceOf(
    bounceType: string,
    bounceSubType: string,
    diagnosticCode: string,
    status?: string,
  ) {
    const [event] = mapRecord({
      eventType: "Bounce",
      mail,
      bounce: {
        bounceType,
        bounceSubType,
        bouncedRecipients: [{ emailAddress: "one@example.com", diagnosticCode, status }],
      },
    });
    return event?.bounce;
  }

  it.each([
    // "General" and "Undetermined" only restate the bounceType: the SMTP status says more.
    [
      "Undetermined",
      "Undetermined",
      "smtp; 550 5.1.1 <one@example.com>... User unknown",
      undefined,
      "hard",
    ],
    [
      "Undetermined",
      "Undetermined",
      "smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound",
      "5.1.10",
      "hard",
    ],
    [
      "Permanent",
      "General",
      "smtp; 554 5.7.1 Service unavailable; Client host blocked using Spamhaus",
      "5.7.1",
      "block",
    ],
    [
      "Permanent",
      "General",
      "smtp; 550 5.7.1 Unfortunately, messages from [x] weren't sent (S3150).",
      undefined,
      "block",
    ],
    [
      "Transient",
      "General",
      "smtp; 550 5.1.1 The email account that you tried to reach does not exist.",
      "5.1.1",
      "hard",
    ],
  ])(
    "classes a %s/%s bounce with %j from the SMTP status",
    (type, subType, diagnostic, status, bounceClass) => {
      expect(bounceOf(type, subType, diagnostic, status)).toBe(bounceClass);
    },
  );

  it.each([
    // SES's own subtypes stand; a General bounce whose status implies nothing keeps its bounceType.
    ["Transient", "MailboxFull", "smtp; 550 5.1.1 User unknown", "soft"],
    ["Permanent", "NoEmail", "smtp; 554 5.7.1 blocked", "hard"],
    ["Transient", "ContentRejected", "smtp; 550 5.1.1 User unknown", "block"],
    ["Permanent", "General", "smtp; 550 No Such User Here", "hard"],
  ])("keeps a %s/%s bounce with %j as %s", (type, subType, diagnostic, bounceClass) => {
    expect(bounceOf(type, subType, diagnostic)).toBe(bounceClass);
  });

  it.each([
    ["Transient", "General", "soft"],
    ["Transient", "MailboxFull", "soft"],
    ["Transient", "ContentRejected", "block"],
    ["Transient", "AttachmentRejected", "block"],
    ["Permanent", "Suppressed", "hard"],
    ["Undetermined", "Undetermined", "undetermined"],
    ["Brand-new", "General", "undetermined"],
  ])("classes a %s/%s bounce as %s", (bounceType, bounceSubType, bounceClass) => {
    const [event] = mapRecord({
      eventType: "Bounce",
      mail,
      bounce: {
        bounceType,
        bounceSubType,
        bouncedRecipients: [{ emailAddress: "one@example.com" }],
      },
    });
    expect(event).toMatchObject({
      type: "bounced",
      bounce: bounceClass,
      reason: `${bounceType}: ${bounceSubType}`,
    });
  });

  it("maps DeliveryDelay to deferred, one event per delayed recipient", () => {
    const events = mapRecord({
      eventType: "DeliveryDelay",
      mail,
      deliveryDelay: {
        delayType: "MailboxFull",
        delayedRecipients: [
          { emailAddress: "two@example.com", status: "4.2.2", diagnosticCode: "452 4.2.2 full" },
        ],
      },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "deferred",
      bounce: null,
      recipient: "two@example.com",
      reason: "452 4.2.2 full",
      smtpCode: 452,
      enhancedStatus: "4.2.2",
      dedupeKey: "sns-1:two@example.com",
    });
  });

  it.each([["Subscription"], ["Something new"], ["constructor"]])(
    "maps an eventType of %s to unknown for every destination",
    (eventType) => {
      const events = mapRecord({ eventType, mail });
      expect(events.map((event) => [event.type, event.recipient])).toEqual([
        ["unknown", "one@example.com"],
        ["unknown", "two@example.com"],
      ]);
    },
  );

  it("keeps a record that names nobody as one event without a recipient", () => {
    const events = mapRecord({ notificationType: "Mystery" });
    expect(events).toEqual([
      expect.objectContaining({ type: "unknown", recipient: null, dedupeKey: "sns-1" }),
    ]);
  });

  it("reads the SMTP code and enhanced status of a delivery", () => {
    const [event] = mapRecord({
      eventType: "Delivery",
      mail,
      delivery: { recipients: ["one@example.com"], smtpResponse: "250 2.0.0 OK 1700000000" },
    });
    expect(event).toMatchObject({ type: "delivered", smtpCode: 250, enhancedStatus: "2.0.0" });
  });

  it("reads mailroute_id from X-Metadata, or else from an SES message tag", () => {
    const [fromHeader] = mapRecord({
      eventType: "Send",
      mail: {
        ...mail,
        headers: [
          { name: "X-Metadata", value: '{"mailroute_id":"msg_1","plan":"pro"}' },
          { name: "x-tag", value: "welcome" },
        ],
      },
    });
    expect(fromHeader).toMatchObject({
      mailrouteId: "msg_1",
      metadata: { plan: "pro" },
      tags: ["welcome"],
    });
    const [fromTag] = mapRecord({
      eventType: "Send",
      mail: { ...mail, tags: { mailroute_id: ["msg_2"], "ses:configuration-set": ["cs"] } },
    });
    expect(fromTag).toMatchObject({ mailrouteId: "msg_2", metadata: {}, tags: [] });
  });

  it("ignores an X-Metadata header that is not a JSON object", () => {
    const [event] = mapRecord({
      eventType: "Send",
      mail: { ...mail, headers: [{ name: "X-Metadata", value: "{oops" }] },
    });
    expect(event).toMatchObject({ type: "sent", metadata: {}, mailrouteId: null });
  });

  it("normalizes the corpus's full bounce, with the metadata number as a string", () => {
    const envelope = JSON.parse(
      readFileSync(`${webhookFixturesFolder}ses/anymail-bounce-permanent-full.json`, "utf8"),
    );
    const record = JSON.parse(envelope.Message);
    const events = mapSesEvent({
      messageId: envelope.MessageId,
      timestamp: envelope.Timestamp,
      record,
    });
    expect(events).toEqual([
      {
        type: "bounced",
        bounce: "hard",
        recipient: "jane@example.com",
        occurredAt: "2018-03-26T17:58:59.675Z",
        providerMessageId: "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
        providerEventId: "19ba9823-d7f2-53c1-860e-cb10e0d13dfc",
        mailrouteId: null,
        reason: "smtp; 550 5.1.1 <jane@example.com>... User unknown",
        smtpCode: 550,
        enhancedStatus: "5.1.1",
        url: null,
        userAgent: null,
        tags: ["tag 1", "tag 2"],
        metadata: { meta1: "string", meta2: "2" },
        dedupeKey: "19ba9823-d7f2-53c1-860e-cb10e0d13dfc:jane@example.com",
        raw: record,
      },
    ]);
  });

  it("is pure: the same payload gives the same events", () => {
    const payload = {
      messageId: "m",
      timestamp: "2024-01-01T00:00:00Z",
      record: { eventType: "Send", mail },
    };
    expect(mapSesEvent(payload)).toEqual(mapSesEvent(payload));
  });

  it.each([
    ["a bare SES record", { eventType: "Send", mail }],
    ["a payload with a bad timestamp", { messageId: "m", timestamp: "soon", record: { mail } }],
    [
      "a record of the wrong shape",
      { messageId: "m", timestamp: "2024-01-01T00:00:00Z", record: [] },
    ],
  ])("refuses %s", (_case, payload) => {
    expect(() => mapSesEvent(payload)).toThrow(WebhookPayloadError);
  });
});
