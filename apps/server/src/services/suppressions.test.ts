import { MailrouteError } from "@mailroute/core";
import { closeStoresAfterEach } from "@mailroute/store/testing";
import { describe, expect, it } from "vitest";
import { createSuppressionsService } from "./suppressions";

const track = closeStoresAfterEach();

function setup() {
  const store = track();
  return createSuppressionsService({ store });
}

describe("suppressions", () => {
  it("adds a manual entry once; a second add keeps the first entry and says so", async () => {
    const suppressions = setup();
    const first = await suppressions.add({ email: "a@example.com", note: "asked by phone" });
    expect(first).toMatchObject({
      created: true,
      entry: { email: "a@example.com", reason: "manual", note: "asked by phone", provider: null },
    });
    const second = await suppressions.add({ email: "a@example.com", note: "again" });
    expect(second).toMatchObject({ created: false, entry: { note: "asked by phone" } });
    expect((await suppressions.list({ limit: 10 })).data).toHaveLength(1);
  });

  it("lifts a suppression, then answers NOT_FOUND for it", async () => {
    const suppressions = setup();
    await suppressions.add({ email: "a@example.com" });
    await suppressions.remove("a@example.com");
    expect((await suppressions.list({ limit: 10 })).data).toEqual([]);
    const error = await suppressions.remove("a@example.com").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailrouteError);
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "a@example.com is not suppressed" });
  });
});
