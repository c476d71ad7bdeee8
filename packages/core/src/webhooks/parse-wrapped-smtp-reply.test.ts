import { describe, expect, it } from "vitest";
import { parseWrappedSmtpReply } from "./parse-wrapped-smtp-reply";

describe("parseWrappedSmtpReply", () => {
  it.each([
    ["sent (250 2.0.0 OK 1498093527 a67bc12345def.22 - gsmtp)", 250, "2.0.0"],
    ["250 2.0.0 OK", 250, "2.0.0"],
    ["550-5.1.1 user unknown", 550, "5.1.1"],
    ["452 mailbox full", 452, null],
  ])("reads %j", (text, smtpCode, enhancedStatus) => {
    expect(parseWrappedSmtpReply(text)).toEqual({ smtpCode, enhancedStatus });
  });

  it.each([
    ["null", null],
    ["text without a code", "Mailbox unavailable"],
    ["smtp; before the code", "smtp; 550 5.1.1"],
    ["a code after other text", "host said: 550 5.1.1"],
  ])("reads nothing from %s", (_case, text) => {
    expect(parseWrappedSmtpReply(text)).toEqual({ smtpCode: null, enhancedStatus: null });
  });
});
