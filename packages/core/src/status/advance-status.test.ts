import { describe, expect, it } from "vitest";
import {
  advanceRecipientStatus,
  aggregateMessageStatus,
  suppressionReasonOf,
} from "./advance-status";

describe("advanceRecipientStatus", () => {
  it("follows the usual order", () => {
    let status = advanceRecipientStatus("sent", "delivered", null);
    status = advanceRecipientStatus(status, "opened", null);
    status = advanceRecipientStatus(status, "clicked", null);
    expect(status).toBe("clicked");
  });

  it("keeps an open that arrived before its delivery (the open implies delivery)", () => {
    const afterOpen = advanceRecipientStatus("sent", "opened", null);
    expect(advanceRecipientStatus(afterOpen, "delivered", null)).toBe("opened");
  });

  it("lets a bounce after a delivery win", () => {
    expect(advanceRecipientStatus("delivered", "bounced", "hard")).toBe("bounced");
    expect(advanceRecipientStatus("clicked", "bounced", "block")).toBe("bounced");
  });

  it("treats a soft bounce as deferred, so a later delivery still counts", () => {
    const afterSoft = advanceRecipientStatus("sent", "bounced", "soft");
    expect(afterSoft).toBe("deferred");
    expect(advanceRecipientStatus(afterSoft, "delivered", null)).toBe("delivered");
    expect(advanceRecipientStatus("delivered", "deferred", null)).toBe("delivered");
  });

  it("ignores events that say nothing about delivery", () => {
    for (const type of ["queued", "autoresponded", "unknown"] as const) {
      expect(advanceRecipientStatus("delivered", type, null)).toBe("delivered");
    }
  });

  it("ranks a complaint above a bounce and a delivery", () => {
    expect(advanceRecipientStatus("bounced", "complained", null)).toBe("complained");
    expect(advanceRecipientStatus("complained", "delivered", null)).toBe("complained");
  });
});

describe("aggregateMessageStatus", () => {
  it("shows the most advanced recipient status, with engagement as delivered", () => {
    expect(aggregateMessageStatus(["sent", "delivered"])).toBe("delivered");
    expect(aggregateMessageStatus(["clicked", "opened"])).toBe("delivered");
    expect(aggregateMessageStatus(["delivered", "bounced"])).toBe("bounced");
    expect(aggregateMessageStatus(["deferred", "sent"])).toBe("deferred");
    expect(aggregateMessageStatus(["rejected", "sent"])).toBe("sent");
    expect(aggregateMessageStatus(["rejected", "rejected"])).toBe("rejected");
  });
});

describe("suppressionReasonOf", () => {
  it("suppresses hard bounces, complaints and unsubscribes only", () => {
    expect(suppressionReasonOf("bounced", "hard")).toBe("hard_bounce");
    expect(suppressionReasonOf("bounced", "soft")).toBeNull();
    expect(suppressionReasonOf("bounced", "block")).toBeNull();
    expect(suppressionReasonOf("complained", null)).toBe("complaint");
    expect(suppressionReasonOf("unsubscribed", null)).toBe("unsubscribe");
    expect(suppressionReasonOf("delivered", null)).toBeNull();
  });
});
