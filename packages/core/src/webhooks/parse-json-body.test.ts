import { describe, expect, it } from "vitest";
import { WebhookPayloadError } from "../errors/webhook-errors";
import { parseJsonBody } from "./parse-json-body";

const encode = (text: string) => new TextEncoder().encode(text);

describe("parseJsonBody", () => {
  it("parses a UTF-8 JSON body", () => {
    expect(parseJsonBody(encode('[{"name": "Zoë"}]'), "Acme")).toEqual([{ name: "Zoë" }]);
  });

  it("uses the parser it is given", () => {
    expect(parseJsonBody(encode("[1]"), "Acme", (text) => `parsed ${text}`)).toBe("parsed [1]");
  });

  it("refuses text that is not JSON, naming the provider", () => {
    expect(() => parseJsonBody(encode("event=sent"), "Acme")).toThrow(
      new WebhookPayloadError("Acme webhook body is not UTF-8 JSON"),
    );
  });

  it("refuses bytes that are not UTF-8, with the decoding error as the cause", () => {
    const error = (() => {
      try {
        parseJsonBody(new Uint8Array([0x5b, 0xff, 0x5d]), "Acme");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it("refuses a body nested deeper than maxJsonDepth before the parser sees it", () => {
    let parsed = false;
    const deep = encode(`{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}`);
    expect(() =>
      parseJsonBody(deep, "Acme", () => {
        parsed = true;
      }),
    ).toThrow(new WebhookPayloadError("Acme webhook body nests deeper than 64 levels"));
    expect(parsed).toBe(false);
    expect(parseJsonBody(encode(`${"[".repeat(64)}${"]".repeat(64)}`), "Acme")).toBeInstanceOf(
      Array,
    );
  });
});
