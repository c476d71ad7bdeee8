import { describe, expect, it } from "vitest";
import type { MessageStatus, RecipientStatus } from "../status/message-status";
import {
  attemptStartStatuses,
  canCancel,
  canRelease,
  completedMessageStatus,
  recipientsToMove,
  statusesAfterMove,
  suppressedMessageError,
} from "./finish-message";

const recipients: { email: string; status: RecipientStatus }[] = [
  { email: "a@example.com", status: "queued" },
  { email: "b@example.com", status: "rejected" },
  { email: "c@example.com", status: "delivered" },
  { email: "d@example.com", status: "queued" },
];

describe("attemptStartStatuses", () => {
  it("marks queued and scheduled messages sending, nothing else", () => {
    expect([...attemptStartStatuses].sort()).toEqual(["queued", "scheduled"]);
  });
});

describe("recipientsToMove", () => {
  it("moves only recipients still queued", () => {
    expect(recipientsToMove(recipients)).toEqual(["a@example.com", "d@example.com"]);
  });

  it("with emails, moves those of them still queued, once each, in their order", () => {
    expect(
      recipientsToMove(recipients, [
        "d@example.com",
        "b@example.com",
        "d@example.com",
        "nobody@example.com",
        "a@example.com",
      ]),
    ).toEqual(["d@example.com", "a@example.com"]);
  });
});

describe("statusesAfterMove", () => {
  it("gives the moved recipients the new status and keeps the others", () => {
    expect(statusesAfterMove(recipients, ["a@example.com"], "sent")).toEqual([
      "sent",
      "rejected",
      "delivered",
      "queued",
    ]);
  });
});

describe("completedMessageStatus", () => {
  it("is failed when the round failed, whatever the recipients say", () => {
    expect(completedMessageStatus("failed", ["delivered"])).toBe("failed");
  });

  it("when sent, is the recipients' aggregate: a webhook that came first shows", () => {
    expect(completedMessageStatus("sent", ["sent", "sent"])).toBe("sent");
    expect(completedMessageStatus("sent", ["sent", "delivered"])).toBe("delivered");
    expect(completedMessageStatus("sent", ["rejected", "sent"])).toBe("sent");
  });
});

describe("suppressedMessageError", () => {
  it("is permanent, coded SUPPRESSED, with the reason", () => {
    expect(suppressedMessageError("every recipient is suppressed")).toEqual({
      class: "permanent",
      reason: "recipient_suppressed",
      code: "SUPPRESSED",
      message: "every recipient is suppressed",
    });
  });
});

describe("canCancel", () => {
  const at = new Date(10_000);
  it.each<[MessageStatus, boolean]>([
    ["queued", true],
    ["scheduled", true],
    ["held", true],
    ["sending", false],
    ["sent", false],
    ["delivered", false],
    ["failed", false],
    ["rejected", false],
    ["cancelled", false],
  ])("%s without a live lease: %s", (status, allowed) => {
    expect(canCancel(status, null, at)).toBe(allowed);
  });

  it("refuses while a worker's lease runs, allows once it ran out", () => {
    expect(canCancel("queued", 10_001, at)).toBe(false);
    expect(canCancel("queued", 10_000, at)).toBe(true);
    expect(canCancel("queued", 9_999, at)).toBe(true);
  });

  it("refuses a message that does not exist", () => {
    expect(canCancel(null, null, at)).toBe(false);
  });
});

describe("canRelease", () => {
  it("releases held messages only", () => {
    expect(canRelease("held")).toBe(true);
    for (const status of ["queued", "sending", "failed", "cancelled"] as const) {
      expect(canRelease(status)).toBe(false);
    }
    expect(canRelease(null)).toBe(false);
  });
});
