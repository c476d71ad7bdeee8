import { describe, expect, it } from "vitest";
import { splitAddressList } from "./split-address-list";

describe("splitAddressList", () => {
  it("splits on commas outside quoted names and angle brackets", () => {
    expect(splitAddressList('"Doe, Jane" <jane@example.com>, b@example.com,')).toEqual([
      '"Doe, Jane" <jane@example.com>',
      "b@example.com",
    ]);
  });
});
