import { describe, expect, it } from "vitest";
import { readResponseExcerpt } from "./read-response-excerpt";

const encoder = new TextEncoder();

describe("readResponseExcerpt", () => {
  it("returns a short body whole", async () => {
    async function* body() {
      yield encoder.encode("hello ");
      yield encoder.encode("world");
    }
    expect(await readResponseExcerpt(body(), 100)).toBe("hello world");
  });

  it("stops pulling from an endless body once the cap is reached", async () => {
    let pulled = 0;
    let closed = false;
    async function* endless() {
      try {
        while (true) {
          pulled += 1;
          yield encoder.encode("0123456789");
        }
      } finally {
        closed = true;
      }
    }
    expect(await readResponseExcerpt(endless(), 25)).toBe("0123456789012345678901234");
    expect(pulled).toBe(3);
    expect(closed).toBe(true);
  });

  it("keeps what arrived before the body failed", async () => {
    async function* failing() {
      yield encoder.encode("partial");
      throw new Error("socket hang up");
    }
    expect(await readResponseExcerpt(failing(), 100)).toBe("partial");
  });

  it("decodes UTF-8, replacing a character cut in half by the cap", async () => {
    async function* body() {
      yield encoder.encode("añb");
    }
    expect(await readResponseExcerpt(body(), 2)).toBe("a\uFFFD");
  });

  it("returns an empty string for an empty body", async () => {
    async function* empty() {
      // No chunks.
    }
    expect(await readResponseExcerpt(empty(), 100)).toBe("");
  });
});
