import { describe, expect, it } from "vitest";
import {
  type CorrelationLookups,
  correlateEvent,
  correlationIdsOf,
  correlationLookupsOf,
} from "./correlate-event";

// msg_known exists; sendgrid's attempt got "sg-1" for msg_by_attempt; mailgun's got "mg-1".
function lookups(): CorrelationLookups & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    messageById(id) {
      asked.push(`id:${id}`);
      return id === "msg_known" ? id : null;
    },
    messageOfAttempt(provider, providerMessageId) {
      asked.push(`attempt:${provider}:${providerMessageId}`);
      if (provider === "sendgrid" && providerMessageId === "sg-1") {
        return "msg_by_attempt";
      }
      if (provider === "mailgun" && providerMessageId === "mg-1") {
        return "msg_mailgun";
      }
      return null;
    },
  };
}

describe("correlateEvent", () => {
  it("takes mailroute's own id first, without asking about the attempt", () => {
    const find = lookups();
    expect(
      correlateEvent({ mailrouteId: "msg_known", providerMessageId: "sg-1" }, "sendgrid", find),
    ).toBe("msg_known");
    expect(find.asked).toEqual(["id:msg_known"]);
  });

  it("falls back to the attempt's provider message id when our id names no stored message", () => {
    const find = lookups();
    expect(
      correlateEvent({ mailrouteId: "msg_gone", providerMessageId: "sg-1" }, "sendgrid", find),
    ).toBe("msg_by_attempt");
    expect(find.asked).toEqual(["id:msg_gone", "attempt:sendgrid:sg-1"]);
  });

  it("matches only attempts at the provider that received the webhook", () => {
    expect(
      correlateEvent({ mailrouteId: null, providerMessageId: "mg-1" }, "sendgrid", lookups()),
    ).toBeNull();
    expect(
      correlateEvent({ mailrouteId: null, providerMessageId: "mg-1" }, "mailgun", lookups()),
    ).toBe("msg_mailgun");
  });

  it("is an orphan with neither id", () => {
    const find = lookups();
    expect(
      correlateEvent({ mailrouteId: null, providerMessageId: null }, "sendgrid", find),
    ).toBeNull();
    expect(find.asked).toEqual([]);
  });
});

describe("correlationIdsOf", () => {
  it("lists each id once, leaving out the missing ones", () => {
    expect(
      correlationIdsOf([
        { mailrouteId: "msg_1", providerMessageId: "p-1" },
        { mailrouteId: "msg_1", providerMessageId: null },
        { mailrouteId: null, providerMessageId: "p-2" },
        { mailrouteId: null, providerMessageId: "p-1" },
      ]),
    ).toEqual({ messageIds: ["msg_1"], providerMessageIds: ["p-1", "p-2"] });
  });
});

describe("correlationLookupsOf", () => {
  const lookups = correlationLookupsOf({
    provider: "sendgrid",
    messageIds: ["msg_1"],
    attempts: [
      { providerMessageId: "sg-1", messageId: "msg_2" },
      { providerMessageId: "sg-1", messageId: "msg_3" },
    ],
  });

  it("answers from the rows read ahead, the first attempt row of an id winning", () => {
    expect(
      correlateEvent({ mailrouteId: "msg_1", providerMessageId: "sg-1" }, "sendgrid", lookups),
    ).toBe("msg_1");
    expect(
      correlateEvent({ mailrouteId: "msg_9", providerMessageId: "sg-1" }, "sendgrid", lookups),
    ).toBe("msg_2");
  });

  it("knows only the provider it read attempts for", () => {
    expect(
      correlateEvent({ mailrouteId: null, providerMessageId: "sg-1" }, "mailgun", lookups),
    ).toBeNull();
  });
});
