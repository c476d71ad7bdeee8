import { describe, expect, it } from "vitest";
import { dedupeMaterialOf, unsubscribeDedupeKey } from "./dedupe-key";

describe("dedupeMaterialOf", () => {
  const event = {
    type: "delivered" as const,
    recipient: "one@example.com",
    occurredAt: "2026-11-22T10:00:00.000Z",
    raw: { id: 1 },
  };
  it("is the same for the same item posted again", () => {
    expect(dedupeMaterialOf({ ...event, raw: { id: 1 } })).toBe(dedupeMaterialOf(event));
  });
  it.each([
    ["type", { type: "opened" as const }],
    ["recipient", { recipient: "two@example.com" }],
    ["time", { occurredAt: "2026-11-22T10:00:01.000Z" }],
    ["raw payload", { raw: { id: 2 } }],
  ])("differs with the %s", (_, change) => {
    expect(dedupeMaterialOf({ ...event, ...change })).not.toBe(dedupeMaterialOf(event));
  });
});

describe("unsubscribeDedupeKey", () => {
  it("is one per message and recipient", () => {
    expect(unsubscribeDedupeKey("msg_1", "a@example.com")).toBe("unsubscribe:msg_1:a@example.com");
    expect(unsubscribeDedupeKey("msg_1", "b@example.com")).not.toBe(
      unsubscribeDedupeKey("msg_1", "a@example.com"),
    );
  });
});
