import { describe, expect, it } from "vitest";
import { renderedContentSchema } from "../message/message-schema";
import { createTemplateSchema, templateNameSchema, templateSourceIssues } from "./template-schema";

describe("templateNameSchema", () => {
  it("takes names that read the same in JSON and in a partial call", () => {
    for (const name of ["welcome", "order-receipt", "Layout_2", "a"]) {
      expect(templateNameSchema.safeParse(name).success, name).toBe(true);
    }
  });

  it("refuses spaces, dots, slashes, a leading symbol, the id prefix and long names", () => {
    for (const name of ["", "two words", "a.b", "a/b", "-x", "tpl_welcome", "x".repeat(101)]) {
      expect(templateNameSchema.safeParse(name).success, name).toBe(false);
    }
  });
});

describe("createTemplateSchema", () => {
  it("defaults to a strict Handlebars template", () => {
    expect(createTemplateSchema.parse({ name: "welcome", subject: "Hi", html: "<p/>" })).toEqual({
      name: "welcome",
      kind: "template",
      subject: "Hi",
      html: "<p/>",
      engine: "handlebars",
      strict: true,
    });
  });

  it("refuses a subject source on two lines and another engine", () => {
    const result = createTemplateSchema.safeParse({
      name: "welcome",
      subject: "Hi\nthere",
      html: "<p/>",
      engine: "mustache",
    });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual([
      "subject",
      "engine",
    ]);
  });
});

describe("templateSourceIssues", () => {
  it("requires a template's subject and body", () => {
    expect(templateSourceIssues("template", {})).toEqual([
      { path: "subject", message: "is required for a template" },
      { path: "html", message: "html or text is required" },
    ]);
    expect(templateSourceIssues("template", { subject: "Hi", text: "x" })).toEqual([]);
  });

  it("refuses a partial's subject and requires its body", () => {
    expect(templateSourceIssues("partial", { subject: "Hi" }).map((issue) => issue.path)).toEqual([
      "subject",
      "html",
    ]);
    expect(templateSourceIssues("partial", { html: "<footer/>" })).toEqual([]);
  });
});

describe("renderedContentSchema", () => {
  it("refuses a rendered subject that is empty, on two lines or too long", () => {
    for (const subject of ["", "Hi\r\nBcc: x@y.test", "x".repeat(999)]) {
      expect(renderedContentSchema.safeParse({ subject, html: "<p/>" }).success, subject).toBe(
        false,
      );
    }
    expect(renderedContentSchema.safeParse({ subject: "Hi Ada", html: "<p/>" }).success).toBe(true);
  });
});
