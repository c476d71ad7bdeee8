import { WebhookPayloadError } from "@mailroute/core";
import { describe, expect, it } from "vitest";
import { parseSesRecord, sesRecordKind } from "./ses-event-record";

describe("parseSesRecord", () => {
  it("reads the kind from eventType, or from notificationType in the older format", () => {
    expect(sesRecordKind(parseSesRecord({ eventType: "Open", notificationType: "x" }))).toBe(
      "Open",
    );
    expect(sesRecordKind(parseSesRecord({ notificationType: "Bounce" }))).toBe("Bounce");
  });

  it.each([
    ["an array", []],
    ["a string", "Bounce"],
    ["a bounce without its recipient list", { eventType: "Bounce", bounce: { bounceType: "x" } }],
    ["a record that names no kind", { mail: { messageId: "m" } }],
    ["an empty eventType", { eventType: "" }],
  ])("refuses %s", (_case, value) => {
    expect(() => parseSesRecord(value)).toThrow(WebhookPayloadError);
  });
});
