import { describe, expect, it } from "vitest";
import { suppressionLookupEmails, suppressionOfEvent } from "./event-suppression";

const source = { provider: "sendgrid", eventId: "evt_1", messageId: "msg_1" };
const event = { recipient: "one@example.com", reason: "550 no such user", bounce: null };

describe("suppressionOfEvent", () => {
  it.each([
    ["bounced", "hard", "hard_bounce"],
    ["complained", null, "complaint"],
    ["unsubscribed", null, "unsubscribe"],
  ] as const)(
    "%s (%s) suppresses the recipient as %s, with the event's source",
    (type, bounce, reason) => {
      expect(suppressionOfEvent({ ...event, type, bounce }, source)).toEqual({
        email: "one@example.com",
        reason,
        provider: "sendgrid",
        eventId: "evt_1",
        messageId: "msg_1",
        note: "550 no such user",
      });
    },
  );

  it.each([
    ["bounced", "soft"],
    ["bounced", "block"],
    ["bounced", "undetermined"],
    ["delivered", null],
    ["rejected", null],
    ["failed", null],
    ["opened", null],
  ] as const)("%s (%s) suppresses nobody", (type, bounce) => {
    expect(suppressionOfEvent({ ...event, type, bounce }, source)).toBeNull();
  });

  it("needs a recipient", () => {
    expect(
      suppressionOfEvent({ ...event, recipient: null, type: "complained", bounce: null }, source),
    ).toBeNull();
  });

  it("keeps an orphan's entry without a message", () => {
    expect(
      suppressionOfEvent(
        { ...event, type: "complained", bounce: null },
        { ...source, messageId: null },
      )?.messageId,
    ).toBeNull();
  });
});

describe("suppressionLookupEmails", () => {
  it("lowercases, drops repeats and sorts", () => {
    expect(suppressionLookupEmails(["B@example.com", "a@example.com", "b@EXAMPLE.com"])).toEqual([
      "a@example.com",
      "b@example.com",
    ]);
  });
});
