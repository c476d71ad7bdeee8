import { describe, expect, it } from "vitest";
import { parseSmtpReply } from "./parse-smtp-reply";

describe("parseSmtpReply", () => {
  it.each([
    ["550 5.1.1 user unknown", 550, "5.1.1"],
    ["250-2.0.0 OK", 250, "2.0.0"],
    ["smtp;550 5.1.1 user unknown", 550, "5.1.1"],
    ["SMTP; 421 4.4.2 timeout", 421, "4.4.2"],
    ["550", 550, null],
    ["5.7.1 blocked", null, "5.7.1"],
    ["452 mailbox full", 452, null],
  ])("reads %j", (text, smtpCode, enhancedStatus) => {
    expect(parseSmtpReply(text)).toEqual({ smtpCode, enhancedStatus });
  });

  it.each([
    ["null", null],
    ["text without a code", "Mailbox unavailable"],
    ["a code glued to a word", "550x"],
    ["a code after other text", "host said: 550 5.1.1"],
    ["leading space", " 550 5.1.1"],
  ])("reads nothing from %s", (_case, text) => {
    expect(parseSmtpReply(text)).toEqual({ smtpCode: null, enhancedStatus: null });
  });
});
