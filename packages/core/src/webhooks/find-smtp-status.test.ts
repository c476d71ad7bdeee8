import { describe, expect, it } from "vitest";
import { findSmtpStatus } from "./find-smtp-status";

describe("findSmtpStatus", () => {
  it.each([
    ["smtp; 550 5.1.1 user unknown", 550, "5.1.1"],
    ["host mx.example.com said: 552-5.2.2 mailbox full", 552, "5.2.2"],
    ["421 temporarily deferred, 4.7.0 later", 421, null],
    ["Unable to deliver: 550", 550, null],
  ])("reads %j", (text, smtpCode, enhancedStatus) => {
    expect(findSmtpStatus(text)).toEqual({ smtpCode, enhancedStatus });
  });

  it.each([
    ["null", null],
    ["an empty string", ""],
    ["text without a code", "Mailbox unavailable"],
    ["digits inside a word", "id 4550x12"],
  ])("reads nothing from %s", (_case, text) => {
    expect(findSmtpStatus(text)).toEqual({ smtpCode: null, enhancedStatus: null });
  });
});
