import { describe, expect, it } from "vitest";
import { checkTemplateSource } from "./analyze-template";

describe("checkTemplateSource", () => {
  it("accepts a valid source and lists the partials it names", () => {
    expect(
      checkTemplateSource({
        kind: "template",
        strict: true,
        subject: "Hi {{name}}",
        html: "{{#> layout}}{{> footer}}{{> @partial-block}}{{/layout}}",
        text: "{{> footer}}",
      }),
    ).toEqual({ problems: [], partials: ["layout", "footer"] });
  });

  it("places an unclosed block at the end of the source", () => {
    const { problems } = checkTemplateSource({
      kind: "template",
      strict: true,
      subject: "ok",
      html: "<p>Hello</p>\n  {{#if x}}oops",
    });
    expect(problems).toEqual([
      {
        field: "html",
        line: 2,
        column: 16,
        message:
          "the source ends inside an open block or expression (a {{#…}} without its {{/…}}?)",
      },
    ]);
  });

  it("places a malformed expression at its token, per field", () => {
    const { problems } = checkTemplateSource({
      kind: "template",
      strict: true,
      subject: "Hi {{ }}",
      text: "line one\nline {{> }}",
    });
    expect(problems.map(({ field, line, column }) => ({ field, line, column }))).toEqual([
      { field: "subject", line: 1, column: 7 },
      { field: "text", line: 2, column: 10 },
    ]);
    expect(problems[1]?.message).toContain("got 'CLOSE'");
  });

  it("places a block closed by another name at the block", () => {
    const { problems } = checkTemplateSource({
      kind: "template",
      strict: true,
      subject: "s",
      html: "a\n{{#each items}}{{/with}}",
    });
    expect(problems).toEqual([
      { field: "html", line: 2, column: 4, message: "each doesn't match with - 2:3" },
    ]);
  });
});
