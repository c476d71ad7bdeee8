import { describe, expect, it } from "vitest";
import type { MessageStatus } from "../status/message-status";
import {
  isOwnedByDispatch,
  messageStatusAfterEvents,
  movedRecipients,
  moveRecipient,
  recipientMovesOf,
} from "./recipient-moves";

function twoRecipients() {
  return recipientMovesOf([
    { email: "one@example.com", status: "sent" },
    { email: "two@example.com", status: "sent" },
  ]);
}

describe("moveRecipient", () => {
  it("moves a recipient forward and remembers it moved", () => {
    const moves = twoRecipients();
    expect(
      moveRecipient(moves, { recipient: "one@example.com", type: "delivered", bounce: null }),
    ).toBe(true);
    expect(movedRecipients(moves)).toEqual([{ email: "one@example.com", status: "delivered" }]);
  });

  it("never moves one back: a delivery after an open changes nothing", () => {
    const moves = twoRecipients();
    moveRecipient(moves, { recipient: "one@example.com", type: "opened", bounce: null });
    expect(
      moveRecipient(moves, { recipient: "one@example.com", type: "delivered", bounce: null }),
    ).toBe(false);
    expect(movedRecipients(moves)).toEqual([{ email: "one@example.com", status: "opened" }]);
  });

  it("moves nobody for an address that is not the message's, or no address", () => {
    const moves = twoRecipients();
    expect(
      moveRecipient(moves, { recipient: "other@example.com", type: "delivered", bounce: null }),
    ).toBe(false);
    expect(moveRecipient(moves, { recipient: null, type: "delivered", bounce: null })).toBe(false);
    expect(movedRecipients(moves)).toEqual([]);
  });

  it("a soft bounce defers, a hard one bounces", () => {
    const moves = twoRecipients();
    moveRecipient(moves, { recipient: "one@example.com", type: "bounced", bounce: "soft" });
    moveRecipient(moves, { recipient: "two@example.com", type: "bounced", bounce: "hard" });
    expect(movedRecipients(moves)).toEqual([
      { email: "one@example.com", status: "deferred" },
      { email: "two@example.com", status: "bounced" },
    ]);
  });
});

describe("isOwnedByDispatch", () => {
  it.each<[MessageStatus, boolean]>([
    ["queued", true],
    ["scheduled", true],
    ["sending", true],
    ["sent", false],
    ["delivered", false],
    ["held", false],
    ["failed", false],
    ["cancelled", false],
  ])("%s: %s", (status, owned) => {
    expect(isOwnedByDispatch(status)).toBe(owned);
  });
});

describe("messageStatusAfterEvents", () => {
  it("is the aggregate of every recipient, moved or not", () => {
    const moves = twoRecipients();
    moveRecipient(moves, { recipient: "one@example.com", type: "delivered", bounce: null });
    expect(messageStatusAfterEvents("sent", moves)).toBe("delivered");
    moveRecipient(moves, { recipient: "two@example.com", type: "bounced", bounce: "hard" });
    expect(messageStatusAfterEvents("delivered", moves)).toBe("bounced");
  });

  it("leaves the status to dispatch while it owns the message", () => {
    const moves = twoRecipients();
    moveRecipient(moves, { recipient: "one@example.com", type: "delivered", bounce: null });
    for (const status of ["queued", "scheduled", "sending"] as const) {
      expect(messageStatusAfterEvents(status, moves)).toBeNull();
    }
  });

  it("leaves it when nothing moved or the message is gone", () => {
    expect(messageStatusAfterEvents("sent", twoRecipients())).toBeNull();
    const moves = twoRecipients();
    moveRecipient(moves, { recipient: "one@example.com", type: "delivered", bounce: null });
    expect(messageStatusAfterEvents(null, moves)).toBeNull();
  });
});
