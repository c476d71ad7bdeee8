import type { BounceClass } from "../events/email-event";
import { lookupOwn } from "./lookup-own";
import type { ProviderEvent } from "./provider-webhook";

// A hard bounce suppresses the address for every provider, so `hard` is kept for statuses that
// can only mean the recipient's mailbox or domain is permanently gone. A status that servers also
// use for blocks, or that is about the sender or the conversation rather than the recipient, is
// `undetermined`: a missed suppression costs one more bounce, a wrong one loses a good address.

// Permanent (5.x.x) statuses by "subject.detail" (RFC 3463 §3 and the IANA registry of
// enhanced status codes).
const permanentStatuses: Readonly<Record<string, BounceClass>> = {
  // X.1 addressing. 5.1.0 ("other address status") is left out: Exchange also uses it for
  // "Sender denied".
  "1.1": "hard", // Bad destination mailbox: no such user (Gmail's 550-5.1.1).
  "1.2": "hard", // Bad destination system: the domain does not exist or takes no mail.
  "1.3": "hard", // Bad destination mailbox address syntax.
  "1.4": "hard", // Destination mailbox address ambiguous.
  "1.6": "hard", // Mailbox has moved, no forwarding address.
  // RFC 7505's null MX; Exchange Online's "5.1.10 RESOLVER.ADR.RecipientNotFound".
  "1.10": "hard",
  // The sender's address was refused: the recipient is not at fault, the receiver's policy is.
  "1.7": "block",
  "1.8": "block",
  // X.2 mailbox. 5.2.0 ("other") and 5.2.4 (list expansion) say nothing about the recipient.
  "2.1": "hard", // Mailbox disabled, not accepting messages.
  // Mailbox full: RFC 3463 calls it a persistent transient failure even with class 5, and a
  // Gmail "over quota" mailbox takes mail again once emptied.
  "2.2": "soft",
  "2.3": "soft", // This message is over the mailbox's size limit; a smaller one may pass.
  // X.3 the receiving mail system. These are the receiver's own troubles, not the address's.
  "3.1": "soft", // Mail system full.
  "3.2": "soft", // System not accepting network messages.
  "3.4": "soft", // Message too big for the system.
  // X.4 network and routing: the provider gave up on reaching the receiver. Left out:
  // 5.4.0 ("other"); 5.4.1, which RFC 3463 calls "no answer from host" but Exchange Online sends
  // for an unknown recipient ("Recipient address rejected: Access denied"); and 5.4.4 "unable to
  // route", which is a passing DNS failure as often as a domain that does not exist.
  "4.2": "soft", // Bad connection.
  "4.3": "soft", // Directory server failure.
  "4.5": "soft", // Mail system congestion.
  "4.6": "soft", // Routing loop.
  "4.7": "soft", // Delivery time expired: retried until the message's lifetime ran out.
  // X.5 protocol: errors of the sending server's conversation, not of the address, except:
  // 5.5.0 is left out although "550 5.5.0 mailbox unavailable" is common: servers use it for
  // anything.
  "5.3": "soft", // Too many recipients: the same message in smaller batches passes.
  // X.6 content conversion: about the message, not the recipient; all left out.
};

// Permanent subjects where every detail means the same.
const permanentSubjects: Readonly<Record<string, BounceClass>> = {
  // X.7 security or policy: refused because of the sender's reputation, authentication or
  // content (5.7.1 Spamhaus and Microsoft's S3150 block lists, 5.7.26 DMARC, 5.7.606 banned IP),
  // not because the mailbox is gone.
  "7": "block",
};

// Reply codes alone (RFC 5321 §4.2.3), consulted only when there is no enhanced status. Bare 550
// ("mailbox unavailable") and 554 ("transaction failed") are left out: servers send them for
// unknown users and for block lists alike. So are 551 and 553, which qmail and AT&T send when
// they refuse to relay or block a sender.
const replyCodes: Readonly<Record<number, BounceClass>> = {
  521: "hard", // RFC 7504: this host does not accept mail.
  552: "soft", // Exceeded storage allocation (mailbox full).
  556: "hard", // RFC 7504: the domain does not accept mail (null MX).
};

const enhancedStatusPattern = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

function classOfEnhancedStatus(status: string): BounceClass | null {
  const match = enhancedStatusPattern.exec(status.trim());
  if (!match) {
    return null;
  }
  // Numbers, so a zero-padded "5.1.01" reads as 5.1.1.
  const [statusClass, subject, detail] = match.slice(1).map((part) => String(Number(part)));
  if (statusClass === "4") {
    // Persistent transient: the receiver asks to try again later (4.2.2 over quota, 4.7.0
    // throttling, greylisting).
    return "soft";
  }
  if (statusClass !== "5") {
    return "undetermined";
  }
  return (
    lookupOwn(permanentStatuses, `${subject}.${detail}`) ??
    lookupOwn(permanentSubjects, subject) ??
    "undetermined"
  );
}

function classOfReplyCode(code: number | null): BounceClass {
  if (code === null) {
    return "undetermined";
  }
  if (code >= 400 && code <= 499) {
    return "soft";
  }
  return lookupOwn(replyCodes, code) ?? "undetermined";
}

/**
 * The bounce class an SMTP status implies: a well-formed RFC 3463 enhanced status decides when
 * there is one, the reply code alone is the weaker fallback. Returns `fallback` (the provider's
 * own class) when neither implies a class; a provider calls this where its own classification
 * is generic or missing.
 */
export function bounceClassOfSmtpStatus(
  status: Pick<ProviderEvent, "smtpCode" | "enhancedStatus">,
  fallback: BounceClass = "undetermined",
): BounceClass {
  const implied =
    classOfEnhancedStatus(status.enhancedStatus ?? "") ?? classOfReplyCode(status.smtpCode);
  return implied === "undetermined" ? fallback : implied;
}
