import { describe, expect, it } from "vitest";
import { secretsEqual } from "./secrets-equal";

describe("secretsEqual", () => {
  it("is true for the same secret, including non-ASCII text", async () => {
    await expect(secretsEqual("s3cret", "s3cret")).resolves.toBe(true);
    await expect(secretsEqual("pässwörd ✓", "pässwörd ✓")).resolves.toBe(true);
  });

  it.each([
    ["another secret of the same length", "s3creT"],
    ["a prefix", "s3cre"],
    ["a longer secret", "s3cretx"],
    ["an empty string", ""],
  ])("is false for %s", async (_case, given) => {
    await expect(secretsEqual(given, "s3cret")).resolves.toBe(false);
  });

  it("compares two empty secrets as equal", async () => {
    await expect(secretsEqual("", "")).resolves.toBe(true);
  });
});
