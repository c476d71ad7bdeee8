import { describe, expect, it } from "vitest";
import { parseSmtpDiagnostic } from "./parse-smtp-diagnostic";

describe("parseSmtpDiagnostic", () => {
  it.each([
    ["smtp;550 5.1.1 The email account does not exist", 550, "5.1.1"],
    ["smtp; 550 5.1.1 user unknown", 550, "5.1.1"],
    ["250 2.6.0 Message received", 250, "2.6.0"],
    ["  421 - 4.4.2 timeout", 421, "4.4.2"],
    ["550 mailbox unavailable", 550, null],
  ])("reads %j", (text, smtpCode, enhancedStatus) => {
    expect(parseSmtpDiagnostic(text)).toEqual({ smtpCode, enhancedStatus });
  });

  it.each([
    ["null", null],
    ["a status without a code", "5.1.1 user unknown"],
    ["a code after other text", "host said: 550 5.1.1"],
    ["a code of another class", "350 go ahead"],
  ])("reads nothing from %s", (_case, text) => {
    expect(parseSmtpDiagnostic(text)).toEqual({ smtpCode: null, enhancedStatus: null });
  });
});
