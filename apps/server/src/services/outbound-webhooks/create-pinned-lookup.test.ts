import type { LookupAddress } from "node:dns";
import { describe, expect, it } from "vitest";
import { createPinnedLookup } from "./create-pinned-lookup";

const target = { hostname: "receiver.test", address: "203.0.113.7", family: 4 as const };

function callLookup(hostname: string, all: boolean) {
  return new Promise<{ error: Error | null; address: string | LookupAddress[]; family?: number }>(
    (resolve) => {
      createPinnedLookup(target)(hostname, { all }, (error, address, family) => {
        resolve({ error, address, family });
      });
    },
  );
}

describe("createPinnedLookup", () => {
  it("answers the checked host with the checked address", async () => {
    expect(await callLookup("receiver.test", false)).toEqual({
      error: null,
      address: "203.0.113.7",
      family: 4,
    });
  });

  it("answers a request for all addresses with the checked address alone", async () => {
    const answer = await callLookup("receiver.test", true);
    expect(answer.error).toBeNull();
    expect(answer.address).toEqual([{ address: "203.0.113.7", family: 4 }]);
  });

  it("fails a lookup of any other host", async () => {
    const answer = await callLookup("elsewhere.test", false);
    expect(answer.error).toMatchObject({ code: "ERR_UNEXPECTED_HOST" });
  });
});
