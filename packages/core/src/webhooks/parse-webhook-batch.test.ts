import { describe, expect, it } from "vitest";
import { z } from "zod";
import { WebhookPayloadError } from "../errors/webhook-errors";
import { parseWebhookBatch } from "./parse-webhook-batch";

const event = z.looseObject({ event: z.string().min(1), email: z.string() });
const batch = { provider: "Acme", event };
const single = { ...batch, allowsSingleEvent: true };

function refusal(body: unknown, shape: Parameters<typeof parseWebhookBatch>[1]): Error {
  try {
    parseWebhookBatch(body, shape);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookPayloadError);
    return error as Error;
  }
  throw new Error("the body was accepted");
}

describe("parseWebhookBatch", () => {
  it("returns each item as received and as its schema read it", () => {
    const item = { event: "delivered", email: "a@example.com", extra: 1 };
    expect(parseWebhookBatch([item], batch)).toEqual([{ raw: item, event: item }]);
  });

  it("takes a bare event object as a batch of one where the provider posts those", () => {
    const item = { event: "delivered", email: "a@example.com" };
    expect(parseWebhookBatch(item, single)).toEqual([{ raw: item, event: item }]);
  });

  it("keeps an event of a type nobody knows: the shape is what counts", () => {
    const item = { event: "brand_new_event", email: "a@example.com" };
    expect(parseWebhookBatch([item], batch)).toEqual([{ raw: item, event: item }]);
  });

  it.each([
    ["an object", { x: 1 }, /Acme webhook body is not a JSON array of events/],
    ["a number", 1, /not a JSON array of events/],
    ["a string", "event", /not a JSON array of events/],
    ["null", null, /not a JSON array of events/],
    ["an empty batch", [], /Acme webhook body is an empty batch: it holds no event/],
    ["an item of another shape", [{ x: 1 }], /Acme webhook item 0 is not an? Acme event: .*event/s],
    [
      "a second item without its email",
      [{ event: "delivered", email: "a@example.com" }, { event: "open" }],
      /item 1 is not an? Acme event: .*email/s,
    ],
    ["a scalar item", [7], /item 0 is not an? Acme event/],
    ["an empty event name", [{ event: "", email: "a@example.com" }], /item 0/],
  ])("refuses %s in a batch-only body", (_case, body, message) => {
    expect(refusal(body, batch).message).toMatch(message);
  });

  it.each([
    ["an array of scalars", ["x"], /item 0 is not an? Acme event/],
    ["a number", 1, /Acme webhook body is not an event object or a JSON array of events/],
    ["an object of another shape", { x: 1 }, /item 0 is not an? Acme event/],
    ["an empty batch", [], /empty batch/],
  ])("refuses %s where a bare event is allowed", (_case, body, message) => {
    expect(refusal(body, single).message).toMatch(message);
  });
});
