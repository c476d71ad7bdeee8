import { describe, expect, it } from "vitest";
import { batchLimits, sendBatchSchema } from "./batch-schema";

function pathsOf(body: unknown) {
  const result = sendBatchSchema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join("."));
}

describe("sendBatchSchema", () => {
  it("takes 1 to 500 items of any shape, left for sendMessageSchema to check one by one", () => {
    expect(sendBatchSchema.parse({ messages: [{}, 42, "x"] }).messages).toEqual([{}, 42, "x"]);
    expect(pathsOf({ messages: new Array(batchLimits.maxMessages).fill({}) })).toEqual([]);
  });

  it("refuses an envelope that is not { messages: array } and a count outside 1..500", () => {
    expect(pathsOf({ messages: [] })).toEqual(["messages"]);
    expect(pathsOf({ messages: new Array(501).fill({}) })).toEqual(["messages"]);
    expect(pathsOf({ messages: {} })).toEqual(["messages"]);
    expect(pathsOf({})).toEqual(["messages"]);
    expect(pathsOf([{}])).toEqual([""]);
    expect(pathsOf({ messages: [{}], extra: true })).toEqual([""]);
  });
});
