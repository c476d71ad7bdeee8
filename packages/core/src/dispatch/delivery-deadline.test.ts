import { describe, expect, it } from "vitest";
import { deliveryDeadline } from "./delivery-deadline";

const acceptedAt = new Date("2026-12-03T10:00:00.000Z");
const hour = 3_600_000;

describe("deliveryDeadline", () => {
  it("counts from acceptance for a message sent at once", () => {
    expect(deliveryDeadline({ acceptedAt, message: {} }, hour)).toBe(acceptedAt.getTime() + hour);
  });

  it("counts from sendAt for a scheduled message", () => {
    const sendAt = "2026-12-04T10:00:00.000Z";
    expect(deliveryDeadline({ acceptedAt, message: { sendAt } }, hour)).toBe(
      Date.parse(sendAt) + hour,
    );
  });

  it("counts from acceptance when sendAt was already past", () => {
    const sendAt = "2026-12-03T09:00:00.000Z";
    expect(deliveryDeadline({ acceptedAt, message: { sendAt } }, hour)).toBe(
      acceptedAt.getTime() + hour,
    );
  });
});
