import { describe, expect, it } from "vitest";
import { bounceClassOfSmtpStatus } from "./bounce-class-of-smtp-status";
import { findSmtpStatus } from "./find-smtp-status";
import { parseSmtpReply } from "./parse-smtp-reply";

describe("bounceClassOfSmtpStatus", () => {
  // Real receivers' replies, read the way the providers' mappers read them.
  it.each([
    ["550-5.1.1 The email account that you tried to reach does not exist. Please try", "hard"],
    ["smtp; 550 5.1.1 <jane@example.com>... User unknown", "hard"],
    ["550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", "hard"],
    [
      "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
      "hard",
    ],
    ["550 5.1.2 Host unknown (Name server: example.invalid: host not found)", "hard"],
    ["550 5.2.1 The email account that you tried to reach is disabled.", "hard"],
    ["556 5.1.10 Recipient address has null MX", "hard"],
    [
      "550 5.7.1 Unfortunately, messages from [203.0.113.9] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
      "block",
    ],
    ["554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using Spamhaus", "block"],
    ["550 5.7.26 This mail is unauthenticated, which poses a security risk to the sender", "block"],
    ["550 5.7.606 Access denied, banned sending IP [203.0.113.9]", "block"],
    ["452 4.2.2 The email account that you tried to reach is over quota", "soft"],
    ["421 4.7.0 [TSS04] Messages from 87.253.233.123 temporarily deferred", "soft"],
    ["454 4.4.4 [internal] no MX or A for domain", "soft"],
    ["552 5.2.2 The email account that you tried to reach is over quota and inactive", "soft"],
    ["552 5.3.4 Message size exceeds fixed limit", "soft"],
    ["550 5.4.7 Delivery time expired", "soft"],
    ["450 Recipient address rejected: Greylisted", "soft"],
    ["550 No Such User Here", "undetermined"],
    ["554 delivery error: dd This user doesn't have a yahoo.com account", "undetermined"],
    ["550 5.5.0 Requested action not taken: mailbox unavailable.", "undetermined"],
    ["550 5.4.1 Recipient address rejected: Access denied. AS(201806281)", "undetermined"],
    ["550 5.1.0 Sender denied", "undetermined"],
    ["500 unknown recipient", "undetermined"],
    ["553 5.3.0 flpd575 DNSBL:RBL 521< 203.0.113.9 >_is_blocked", "undetermined"],
    ["250 2.0.0 OK", "undetermined"],
    ["Mailbox unavailable", "undetermined"],
  ])("classes %j as %s", (diagnostic, expected) => {
    expect(bounceClassOfSmtpStatus(findSmtpStatus(diagnostic))).toBe(expected);
  });

  it("reads a status given without a reply code", () => {
    expect(bounceClassOfSmtpStatus(parseSmtpReply("5.1.1 The email account does not exist"))).toBe(
      "hard",
    );
    expect(bounceClassOfSmtpStatus({ smtpCode: null, enhancedStatus: "5.1.01" })).toBe("hard");
  });

  it.each([
    // The enhanced status wins over a reply code of another class.
    [{ smtpCode: 450, enhancedStatus: "5.1.1" }, "hard"],
    [{ smtpCode: 550, enhancedStatus: "4.2.2" }, "soft"],
    // An uninformative status does not hand over to the reply code: 553 5.3.0 is a block list.
    [{ smtpCode: 552, enhancedStatus: "5.0.0" }, "undetermined"],
    // A malformed status is no status: the reply code decides.
    [{ smtpCode: 452, enhancedStatus: "over quota" }, "soft"],
    [{ smtpCode: 521, enhancedStatus: null }, "hard"],
    [{ smtpCode: 605, enhancedStatus: null }, "undetermined"],
    [{ smtpCode: null, enhancedStatus: null }, "undetermined"],
  ] as const)("classes %j as %s", (status, expected) => {
    expect(bounceClassOfSmtpStatus(status)).toBe(expected);
  });

  it("answers the provider's own class when the status implies none", () => {
    expect(bounceClassOfSmtpStatus(findSmtpStatus("550 No Such User Here"), "hard")).toBe("hard");
    expect(bounceClassOfSmtpStatus({ smtpCode: null, enhancedStatus: null }, "soft")).toBe("soft");
    // A status that implies a class replaces the generic one.
    expect(bounceClassOfSmtpStatus(findSmtpStatus("554 5.7.1 blocked"), "hard")).toBe("block");
  });
});
